namespace LogiLlm;

/// <summary>An <see cref="IModuleCallback"/> built from delegates, e.g. for logging or tests.</summary>
/// <param name="onStart">Called at the start of each invocation (may be null).</param>
/// <param name="onEnd">Called at the end of each invocation (may be null).</param>
public sealed class DelegateModuleCallback(Action<ModuleStartEvent>? onStart = null, Action<ModuleEndEvent>? onEnd = null) : IModuleCallback
{
    /// <inheritdoc />
    public ValueTask OnModuleStartAsync(ModuleStartEvent e, CancellationToken cancellationToken)
    {
        onStart?.Invoke(e);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask OnModuleEndAsync(ModuleEndEvent e, CancellationToken cancellationToken)
    {
        onEnd?.Invoke(e);
        return ValueTask.CompletedTask;
    }
}
