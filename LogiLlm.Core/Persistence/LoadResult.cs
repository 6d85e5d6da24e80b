namespace LogiLlm.Persistence;

/// <summary>A loaded module together with its <see cref="LoadReport"/>.</summary>
/// <param name="Module">The new module.</param>
/// <param name="Report">What the load found.</param>
public sealed record LoadResult(Module Module, LoadReport Report);
