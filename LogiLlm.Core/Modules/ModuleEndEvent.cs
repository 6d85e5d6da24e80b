namespace LogiLlm;

/// <summary>A module invocation has ended.</summary>
/// <param name="Module">The module invoked.</param>
/// <param name="CallId">Identifier shared by the start and end events of one invocation.</param>
/// <param name="Inputs">The inputs as given.</param>
/// <param name="Prediction">The result (check <see cref="Prediction.Success"/>); null when the invocation threw.</param>
/// <param name="Exception">What the invocation threw (including cancellation); null when it returned.</param>
/// <param name="Duration">How long the invocation took.</param>
public sealed record ModuleEndEvent(Module Module, string CallId, IReadOnlyDictionary<string, object?> Inputs, Prediction? Prediction, Exception? Exception, TimeSpan Duration);
