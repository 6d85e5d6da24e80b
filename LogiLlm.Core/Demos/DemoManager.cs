namespace LogiLlm.Demos;

/// <summary>
/// The few-shot demos of a module and how many of them, chosen how, go into each prompt.
/// Mutable on purpose (optimizers fill it); do not change it while the module is being invoked.
/// </summary>
public sealed class DemoManager
{
    private int _maxDemos = 5;

    /// <summary>The demos, in insertion order.</summary>
    public IList<Demo> Demos { get; } = new List<Demo>();

    /// <summary>Demos produced by a teacher module during bootstrapping; kept and saved, not put into prompts.</summary>
    public IList<Demo> TeacherDemos { get; } = new List<Demo>();

    /// <summary>Most demos put into one prompt (default 5; 0 = none).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative value.</exception>
    public int MaxDemos
    {
        get => _maxDemos;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _maxDemos = value;
        }
    }

    /// <summary>How <see cref="Select"/> chooses (default <see cref="DemoSelectionStrategy.Best"/>).</summary>
    public DemoSelectionStrategy SelectionStrategy { get; set; } = DemoSelectionStrategy.Best;

    /// <summary>Seed for <see cref="DemoSelectionStrategy.Random"/>; with a seed every call picks the same demos, without one each call differs.</summary>
    public int? Seed { get; set; }

    /// <summary>Adds a demo at the end.</summary>
    public void Add(Demo demo)
    {
        ArgumentNullException.ThrowIfNull(demo);
        Demos.Add(demo);
    }

    /// <summary>Adds several demos at the end.</summary>
    public void AddRange(IEnumerable<Demo> demos)
    {
        ArgumentNullException.ThrowIfNull(demos);
        foreach (var demo in demos)
        {
            Add(demo);
        }
    }

    /// <summary>Removes all demos and teacher demos.</summary>
    public void Clear()
    {
        Demos.Clear();
        TeacherDemos.Clear();
    }

    /// <summary>
    /// The demos for one prompt: at most <see cref="MaxDemos"/> from <see cref="Demos"/>, chosen by
    /// <see cref="SelectionStrategy"/>. Best keeps ties in insertion order; Random returns the sample in
    /// the order it was drawn.
    /// </summary>
    public IReadOnlyList<Demo> Select()
    {
        var pool = Demos.ToArray();
        var count = Math.Min(MaxDemos, pool.Length);
        if (count == 0)
        {
            return [];
        }

        switch (SelectionStrategy)
        {
            case DemoSelectionStrategy.First:
                return pool[..count];
            case DemoSelectionStrategy.Random:
            {
                var random = Seed is { } seed ? new Random(seed) : Random.Shared;
                var indices = Enumerable.Range(0, pool.Length).ToArray();
                random.Shuffle(indices);
                return indices.Take(count).Select(i => pool[i]).ToArray();
            }

            default:
                return pool.Select((demo, index) => (demo, index))
                    .OrderByDescending(x => x.demo.Score)
                    .ThenBy(x => x.index)
                    .Take(count)
                    .Select(x => x.demo)
                    .ToArray();
        }
    }

    /// <summary>A deep copy.</summary>
    public DemoManager Clone()
    {
        var copy = new DemoManager { MaxDemos = MaxDemos, SelectionStrategy = SelectionStrategy, Seed = Seed };
        foreach (var demo in Demos)
        {
            copy.Demos.Add(demo.DeepClone());
        }

        foreach (var demo in TeacherDemos)
        {
            copy.TeacherDemos.Add(demo.DeepClone());
        }

        return copy;
    }

    /// <summary>Wire name of a strategy ("best", "first", "random").</summary>
    public static string ToWireName(DemoSelectionStrategy strategy) => strategy switch
    {
        DemoSelectionStrategy.First => "first",
        DemoSelectionStrategy.Random => "random",
        _ => "best",
    };

    /// <summary>Parses a wire name ("best", "first", "random", case-insensitive).</summary>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public static DemoSelectionStrategy ParseStrategy(string name) => name?.Trim().ToLowerInvariant() switch
    {
        "best" => DemoSelectionStrategy.Best,
        "first" => DemoSelectionStrategy.First,
        "random" => DemoSelectionStrategy.Random,
        _ => throw new ArgumentException($"Unknown demo selection strategy '{name}'; expected best, first or random.", nameof(name)),
    };
}
