namespace LogiLlm;

/// <summary>
/// Observes module invocations. Both methods have empty default implementations; override what you need.
/// Callbacks run in registration order on the invoking task; an exception thrown by a callback propagates
/// to the caller of <see cref="Module.InvokeAsync(IReadOnlyDictionary{string, object?}, CancellationToken)"/>.
/// </summary>
public interface IModuleCallback
{
    /// <summary>Called before the module runs, with the inputs as given.</summary>
    ValueTask OnModuleStartAsync(ModuleStartEvent e, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Called after the module ran: with the prediction (successful or failed), or with the exception it threw.</summary>
    ValueTask OnModuleEndAsync(ModuleEndEvent e, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
