// Over 300 lines on purpose: the base holds every piece of state a saved file carries and the operations over all of
// it (clone, derive, provider resolution, invocation); split apart, each part would need the others' internals.
using System.Diagnostics;
using System.Text.Json.Nodes;
using LogiLlm.Adapters;
using LogiLlm.Demos;
using LogiLlm.Persistence;
using LogiLlm.Providers;
using LogiLlm.Signatures;
using Microsoft.Extensions.AI;

namespace LogiLlm;

/// <summary>
/// Base of every LogiLlm program: a signature, model settings, demos, an adapter, a provider, and
/// named child modules for composites. Derive and implement <see cref="ForwardAsync"/> and <see cref="Clone"/>.
/// </summary>
/// <remarks>
/// The settings (<see cref="Config"/>, <see cref="DemoManager"/>, ...) are mutable so that code and
/// optimizers can configure a module; concurrent <c>InvokeAsync</c> calls on one instance are safe as long as
/// nobody changes them meanwhile (an invocation never changes the module).
/// <para>
/// Longer than most files: it is the base type of the programming model, and its public surface (settings, children,
/// invocation, cloning, derivation, saving and loading entry points) is what a user reads in one place; each member is short and
/// the work is delegated (adapters, persistence, providers).
/// </para>
/// </remarks>
public abstract class Module
{
    private readonly OrderedDictionary<string, Module> _children = new(StringComparer.Ordinal);
    private ModuleConfig _config = new();
    private JsonObject _metadata = [];
    private DemoManager _demoManager = new();
    private IAdapter _adapter = new ChatAdapter();

    /// <summary>Creates a module of type <paramref name="moduleType"/> (its name in saved files).</summary>
    protected Module(string moduleType, Signature? signature = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(moduleType);
        ModuleType = moduleType;
        Signature = signature;
    }

    /// <summary>The module type saved in files, e.g. "Predict" or "ChainOfThought".</summary>
    public string ModuleType { get; }

    /// <summary>
    /// The <c>provider_config</c> this module was loaded with (null if none, or not loaded from a file); kept so that
    /// load -> save writes it again when no live provider was set up. Clones carry it.
    /// </summary>
    public SavedProviderConfig? SavedProvider { get; internal set; }

    /// <summary>The task contract; may be null for a pure composite.</summary>
    public Signature? Signature { get; set; }

    /// <summary>Model settings (temperature, max_tokens, top_p, ...).</summary>
    public ModuleConfig Config
    {
        get => _config;
        set => _config = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>Free-form metadata saved with the module (optimizers write lineage here).</summary>
    public JsonObject Metadata
    {
        get => _metadata;
        set => _metadata = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>Lifecycle state (initialized, optimized, ...).</summary>
    public ModuleState State { get; set; } = ModuleState.Initialized;

    /// <summary>Few-shot demos and how they are selected.</summary>
    public DemoManager DemoManager
    {
        get => _demoManager;
        set => _demoManager = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>How prompts are written and replies read (default <see cref="ChatAdapter"/>).</summary>
    public IAdapter Adapter
    {
        get => _adapter;
        set => _adapter = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>The model provider; null = the default provider of <see cref="ProviderRegistry"/>.</summary>
    public Provider? Provider { get; set; }

    /// <summary>The registry whose default provider is used when <see cref="Provider"/> is null; null = <see cref="Providers.ProviderRegistry.Default"/>.</summary>
    public ProviderRegistry? ProviderRegistry { get; set; }

    /// <summary>Named child modules of a composite, in the order added.</summary>
    public IReadOnlyDictionary<string, Module> Children => _children;

    /// <summary>
    /// What the load that produced this module found (versions, digest, provider, every warning such as
    /// <c>version-mismatch</c> or <c>provider-mismatch</c>); null for a module built in code or cloned.
    /// The plain-call equivalent of catching LogiLLM's load warnings: <c>Predict.Load(path).LoadReport!.Warnings</c>.
    /// </summary>
    public LoadReport? LoadReport { get; internal set; }

    /// <summary>Observers of every invocation of this module.</summary>
    public IList<IModuleCallback> Callbacks { get; } = new List<IModuleCallback>();

    /// <summary>Adds a named child module.</summary>
    /// <exception cref="ArgumentException">Empty or duplicate name, or the module itself.</exception>
    public void AddChild(string name, Module child)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(child);
        if (ReferenceEquals(child, this))
        {
            throw new ArgumentException("A module cannot be its own child.", nameof(child));
        }

        if (!_children.TryAdd(name, child))
        {
            throw new ArgumentException($"A child module named '{name}' already exists.", nameof(name));
        }
    }

    /// <summary>Removes a child module; returns false when there is none by that name.</summary>
    public bool RemoveChild(string name) => _children.Remove(name);

    /// <summary>Runs the module on <paramref name="inputs"/>.</summary>
    /// <returns>
    /// The prediction. A reply that cannot be read into the declared output types gives a prediction with
    /// <see cref="Prediction.Success"/> false and an <see cref="Prediction.Error"/> naming the field and type.
    /// </returns>
    /// <exception cref="ModuleInputException">A required input is missing or an input value does not fit its declared type (an <see cref="ArgumentException"/> naming the fields).</exception>
    /// <exception cref="InvalidOperationException">No provider is configured.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<Prediction> InvokeAsync(IReadOnlyDictionary<string, object?> inputs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        cancellationToken.ThrowIfCancellationRequested();
        var snapshot = new Dictionary<string, object?>(inputs, StringComparer.Ordinal);
        var callbacks = Callbacks.ToArray();
        if (callbacks.Length == 0)
        {
            // Nobody to tell: no call id (a random Guid reads the OS's random source) and no events.
            return await ForwardAsync(snapshot, cancellationToken).ConfigureAwait(false);
        }

        var callId = Guid.NewGuid().ToString("N");
        var started = Stopwatch.GetTimestamp();
        foreach (var callback in callbacks)
        {
            await callback.OnModuleStartAsync(new ModuleStartEvent(this, callId, snapshot, DateTimeOffset.UtcNow), cancellationToken).ConfigureAwait(false);
        }

        Prediction prediction;
        try
        {
            prediction = await ForwardAsync(snapshot, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            foreach (var callback in callbacks)
            {
                await callback.OnModuleEndAsync(new ModuleEndEvent(this, callId, snapshot, null, e, Stopwatch.GetElapsedTime(started)), CancellationToken.None).ConfigureAwait(false);
            }

            throw;
        }

        foreach (var callback in callbacks)
        {
            await callback.OnModuleEndAsync(new ModuleEndEvent(this, callId, snapshot, prediction, null, Stopwatch.GetElapsedTime(started)), cancellationToken).ConfigureAwait(false);
        }

        return prediction;
    }

    /// <summary>
    /// Runs the module on inputs given as an anonymous object (<c>new { email = "..." }</c>), a POCO, a
    /// <see cref="JsonObject"/> or any dictionary. See <see cref="InvokeAsync(IReadOnlyDictionary{string, object?}, CancellationToken)"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="inputs"/> is not an object with named fields.</exception>
    public Task<Prediction> InvokeAsync(object inputs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return InvokeAsync(ToInputDictionary(inputs), cancellationToken);
    }

    /// <summary>A deep copy (settings, demos, metadata and children copied; provider, adapter and callbacks shared).</summary>
    public abstract Module Clone();

    /// <summary>Metadata key of the lineage that <see cref="Derive"/> writes.</summary>
    public const string DerivedFromKey = "derived_from";

    /// <summary>
    /// A new module from this one with <paramref name="changes"/> applied (an incremental update: no re-training). The copy's
    /// metadata gets <c>derived_from</c>: the source's name, what changed, when, and the source's own <c>derived_from</c> as
    /// <c>previous</c>. This module is not changed.
    /// </summary>
    /// <exception cref="ArgumentException">Nothing to change, a demo index out of range or repeated, or instructions on a module without signature.</exception>
    public Module Derive(ModuleDerivation changes, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.IsEmpty)
        {
            throw new ArgumentException("The derivation changes nothing: give config, instructions or demos to remove or add.", nameof(changes));
        }

        var copy = Clone();
        var what = new JsonObject();
        if (changes.Config is { Count: > 0 } config)
        {
            foreach (var (key, value) in config)
            {
                ArgumentException.ThrowIfNullOrWhiteSpace(key, nameof(changes));
                if (value is null)
                {
                    copy.Config.Remove(key);
                }
                else
                {
                    copy.Config[key] = value.DeepClone();
                }
            }

            what["config"] = new JsonArray(config.Keys.Order(StringComparer.Ordinal).Select(k => (JsonNode?)k).ToArray());
        }

        if (changes.Instructions is { } instructions)
        {
            var signature = copy.Signature ?? throw new ArgumentException("A module without a signature has no instructions to change.", nameof(changes));
            copy.Signature = signature.WithInstructions(instructions.Length == 0 ? null : instructions);
            what["instructions"] = true;
        }

        if (changes.RemoveDemos is { Count: > 0 } remove)
        {
            var count = copy.DemoManager.Demos.Count;
            var distinct = remove.Distinct().ToArray();
            if (distinct.Length != remove.Count || distinct.Any(i => i < 0 || i >= count))
            {
                throw new ArgumentException($"Demo indices to remove must be distinct and in [0, {count - 1}]; got [{string.Join(", ", remove)}].", nameof(changes));
            }

            foreach (var index in distinct.OrderDescending())
            {
                copy.DemoManager.Demos.RemoveAt(index);
            }

            what["demos_removed"] = new JsonArray(distinct.Order().Select(i => (JsonNode?)i).ToArray());
        }

        if (changes.AddDemos is { Count: > 0 } add)
        {
            copy.DemoManager.AddRange(add.Select(d => d.DeepClone()));
            what["demos_added"] = add.Count;
        }

        var lineage = new JsonObject
        {
            ["source"] = changes.DerivedFrom,
            ["changes"] = what,
            ["derived_at"] = (timeProvider ?? TimeProvider.System).GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        };
        if (Metadata[DerivedFromKey] is { } previous)
        {
            lineage["previous"] = previous.DeepClone();
        }

        copy.Metadata[DerivedFromKey] = lineage;
        return copy;
    }

    /// <summary>Saves the module's complete state to <paramref name="path"/> (see <see cref="ModuleSaver.SaveModule"/>).</summary>
    /// <exception cref="PersistenceException">The module cannot be serialized or the file cannot be written.</exception>
    public void Save(string path, SaveOptions? options = null) => ModuleSaver.SaveModule(this, path, options);

    /// <summary>Loads a module saved by <see cref="Save"/> or by Python LogiLLM (see <see cref="ModuleLoader.LoadModule(string, LoadOptions?)"/>).</summary>
    /// <exception cref="PersistenceException">Missing file, bad JSON, unknown module type, ... (with file and JSON path).</exception>
    public static Module Load(string path, LoadOptions? options = null) => ModuleLoader.LoadModule(path, options);

    /// <summary>
    /// Writes this module's own fields (those the base class does not know) into <paramref name="state"/>, which is saved
    /// as the module's <c>custom_state</c> entry (DSPy's <c>dump_state</c>). The base saves nothing; children save their own.
    /// Values must be JSON (no credentials: the file is meant to be shared).
    /// </summary>
    protected virtual void SaveState(JsonObject state)
    {
    }

    /// <summary>
    /// Restores the fields <see cref="SaveState"/> wrote (DSPy's <c>load_state</c>); called on load, after config, demos and
    /// the other base state are applied, with a copy of the saved <c>custom_state</c> (not called when the file has none).
    /// Throw (any exception) to refuse a value: the load fails with a <see cref="PersistenceException"/> naming the entry.
    /// </summary>
    protected virtual void LoadState(JsonObject state)
    {
    }

    internal void SaveCustomState(JsonObject state) => SaveState(state);

    internal void LoadCustomState(JsonObject state) => LoadState(state);

    /// <summary>The module's behaviour: inputs in, prediction out. Must not change the module.</summary>
    protected abstract Task<Prediction> ForwardAsync(IReadOnlyDictionary<string, object?> inputs, CancellationToken cancellationToken);

    /// <summary>Copies this module's settings, demos, metadata and (cloned) children onto <paramref name="target"/>.</summary>
    protected T CopyStateTo<T>(T target)
        where T : Module
    {
        ArgumentNullException.ThrowIfNull(target);
        target.Signature = Signature;
        target.Config = Config.Clone();
        target.Metadata = (JsonObject)Metadata.DeepClone();
        target.State = State;
        target.DemoManager = DemoManager.Clone();
        target.Adapter = Adapter;
        target.Provider = Provider;
        target.ProviderRegistry = ProviderRegistry;
        target._children.Clear();
        foreach (var (name, child) in _children)
        {
            target._children[name] = child.Clone();
        }

        target.Callbacks.Clear();
        foreach (var callback in Callbacks)
        {
            target.Callbacks.Add(callback);
        }

        // A module loaded without a live provider still remembers the provider_config it was saved with.
        target.SavedProvider = SavedProvider;
        return target;
    }

    /// <summary>
    /// The provider for a call: <see cref="Provider"/>, else the default provider of <see cref="ProviderRegistry"/>
    /// (or of <see cref="Providers.ProviderRegistry.Default"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">Neither exists.</exception>
    protected Provider ResolveProvider()
    {
        var provider = Provider ?? (ProviderRegistry ?? Providers.ProviderRegistry.Default).DefaultProvider;
        return provider ?? throw new InvalidOperationException(
            $"No language model provider is configured for this {ModuleType} module. Set module.Provider, or register a default provider, "
            + "e.g. ProviderRegistry.Default.RegisterProvider(ProviderRegistry.Default.CreateProvider(\"openai\", \"gpt-4.1\"), setDefault: true).");
    }

    /// <summary>The chat client of <see cref="ResolveProvider"/>.</summary>
    protected IChatClient ResolveClient() => ResolveProvider().Client;

    internal static IReadOnlyDictionary<string, object?> ToInputDictionary(object inputs)
    {
        if (inputs is IReadOnlyDictionary<string, object?> ready)
        {
            return ready;
        }

        if (FieldValueJson.Normalize(inputs) is IReadOnlyDictionary<string, object?> dictionary)
        {
            return dictionary;
        }

        throw new ArgumentException($"Inputs must be an object with named fields (anonymous object, POCO, dictionary or JSON object), not {inputs.GetType().Name}.", nameof(inputs));
    }
}
