namespace LogiLlm;

/// <summary>
/// Lifecycle state of a module, saved by its lower-case wire name ("initialized", "optimized", ...).
/// Unknown names read from a file are kept as they are so they survive a round trip.
/// </summary>
public readonly struct ModuleState : IEquatable<ModuleState>
{
    private readonly string? _value;

    /// <summary>A state with wire name <paramref name="value"/> (lower-cased and trimmed).</summary>
    /// <exception cref="ArgumentException">Empty name.</exception>
    public ModuleState(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        _value = value.Trim().ToLowerInvariant();
    }

    /// <summary>Freshly constructed (the default).</summary>
    public static ModuleState Initialized { get; } = new("initialized");

    /// <summary>Being trained by an optimizer.</summary>
    public static ModuleState Training { get; } = new("training");

    /// <summary>Produced by an optimizer.</summary>
    public static ModuleState Optimized { get; } = new("optimized");

    /// <summary>Compiled (DSPy's name for an optimized program).</summary>
    public static ModuleState Compiled { get; } = new("compiled");

    /// <summary>The wire name.</summary>
    public string Value => _value ?? "initialized";

    /// <summary>Parses a wire name; any non-empty name is accepted.</summary>
    public static ModuleState Parse(string value) => new(value);

    /// <inheritdoc />
    public bool Equals(ModuleState other) => Value == other.Value;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ModuleState other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    /// <summary>The wire name.</summary>
    public override string ToString() => Value;

    /// <summary>Equality by wire name.</summary>
    public static bool operator ==(ModuleState left, ModuleState right) => left.Equals(right);

    /// <summary>Inequality by wire name.</summary>
    public static bool operator !=(ModuleState left, ModuleState right) => !left.Equals(right);
}
