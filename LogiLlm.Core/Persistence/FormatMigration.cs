using System.Text.Json.Nodes;

namespace LogiLlm.Persistence;

/// <summary>One step of the format history: rewrites a document of <see cref="FromVersion"/> into <see cref="FromVersion"/> + 1.</summary>
/// <param name="FromVersion">The version this step reads.</param>
/// <param name="Description">What changed, for logs and docs.</param>
/// <param name="Apply">Rewrites the document in place; must tolerate wrong shapes (the reader reports them later, with paths).</param>
public sealed record FormatMigration(int FromVersion, string Description, Action<JsonObject> Apply)
{
    /// <summary>The version the document has after this step.</summary>
    public int ToVersion => FromVersion + 1;

    /// <summary>Whether the step may rewrite demos (<c>demo_manager</c> anywhere); false lets the loader read them straight from the parsed bytes.</summary>
    public bool ChangesDemos { get; init; } = true;
}
