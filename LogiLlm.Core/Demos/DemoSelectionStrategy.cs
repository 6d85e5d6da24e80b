namespace LogiLlm.Demos;

/// <summary>How <see cref="DemoManager.Select"/> picks demos. Wire names: "best", "first", "random".</summary>
public enum DemoSelectionStrategy
{
    /// <summary>Highest <see cref="Demo.Score"/> first; ties keep insertion order.</summary>
    Best,

    /// <summary>In insertion order.</summary>
    First,

    /// <summary>A random sample, reproducible when <see cref="DemoManager.Seed"/> is set.</summary>
    Random,
}
