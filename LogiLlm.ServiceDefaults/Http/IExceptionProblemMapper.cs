using Microsoft.AspNetCore.Mvc;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// A service's own exception -> ProblemDetails mapping (its domain exceptions: a provider failure, a module that does
/// not load, an unreachable registry), asked by <see cref="ProblemExceptionHandler"/> before its built-in mapping.
/// Register with <c>services.AddExceptionProblemMapper&lt;T&gt;()</c>; the first mapper that answers wins.
/// </summary>
public interface IExceptionProblemMapper
{
    /// <summary>The ProblemDetails (with its status) <paramref name="exception"/> is answered with, or null when not this mapper's.</summary>
    /// <remarks>The details must be safe to show a caller: no provider text, no secret, no stack trace.</remarks>
    ProblemDetails? TryMap(Exception exception);
}
