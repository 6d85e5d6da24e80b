using System.Collections.Concurrent;

namespace LogiLlm.Persistence;

/// <summary>
/// The allowlist of module types a loader may instantiate, by <c>module_type</c> name. A file's <c>module_class</c>
/// is never used to find or load code. Built in: <c>Predict</c> and <c>ChainOfThought</c>.
/// </summary>
public sealed class ModuleTypeRegistry
{
    private readonly ConcurrentDictionary<string, Func<ModuleBlueprint, Module>> _factories = new(StringComparer.Ordinal);

    /// <summary>Creates a registry holding the built-in types.</summary>
    public ModuleTypeRegistry()
    {
        _factories["Predict"] = b => new Predict(b.Signature ?? DefaultSignature());
        _factories["ChainOfThought"] = b => new ChainOfThought(b.Signature ?? DefaultSignature());
    }

    /// <summary>The registry used when <see cref="LoadOptions.ModuleTypes"/> is not set; register application types here or pass your own.</summary>
    public static ModuleTypeRegistry Default { get; } = new();

    /// <summary>Registered type names, ordered.</summary>
    public IReadOnlyList<string> Names => _factories.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>Allows module type <paramref name="name"/>, constructed by <paramref name="factory"/>.</summary>
    public ModuleTypeRegistry Register<T>(string name, Func<ModuleBlueprint, T> factory)
        where T : Module
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        _factories[name] = factory;
        return this;
    }

    /// <summary>Allows module type <paramref name="name"/>, constructed with its parameterless constructor.</summary>
    public ModuleTypeRegistry Register<T>(string name)
        where T : Module, new() => Register(name, _ => new T());

    /// <summary>True when <paramref name="name"/> may be instantiated.</summary>
    public bool IsRegistered(string name) => _factories.ContainsKey(name);

    internal bool TryGetFactory(string name, out Func<ModuleBlueprint, Module> factory) =>
        _factories.TryGetValue(name, out factory!);

    // LogiLLM loads a signature-less Predict as Predict("input -> output"); so do we.
    private static Signatures.Signature DefaultSignature() => Signatures.Signature.Parse("input -> output");
}
