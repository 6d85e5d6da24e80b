namespace LogiLlm;

/// <summary>A module invocation is starting.</summary>
/// <param name="Module">The module invoked.</param>
/// <param name="CallId">Identifier shared by the start and end events of one invocation.</param>
/// <param name="Inputs">The inputs as given.</param>
/// <param name="StartedAt">When the invocation started.</param>
public sealed record ModuleStartEvent(Module Module, string CallId, IReadOnlyDictionary<string, object?> Inputs, DateTimeOffset StartedAt);
