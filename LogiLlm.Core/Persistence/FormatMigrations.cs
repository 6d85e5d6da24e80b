using System.Text.Json.Nodes;
using K = LogiLlm.Persistence.ModuleFileFormat.Keys;

namespace LogiLlm.Persistence;

/// <summary>
/// The format history as code. Every document is migrated step by step up to
/// <see cref="ModuleFileFormat.CurrentVersion"/> before it is read, so the reader only knows the current shape.
/// </summary>
public static class FormatMigrations
{
    /// <summary>All steps in order; step <c>i</c> migrates format <c>i</c> to <c>i + 1</c>.</summary>
    public static IReadOnlyList<FormatMigration> All { get; } =
    [
        new FormatMigration(
            0,
            "Python LogiLLM 0.2.17 files: add format_version and a full 'type' expression next to each bare 'python_type'.",
            MigrateFrom0) { ChangesDemos = false },
    ];

    /// <summary>Whether migrating a document of <paramref name="fromVersion"/> leaves every demo as it was parsed.</summary>
    internal static bool KeepsDemos(int fromVersion)
    {
        for (var version = fromVersion; version < ModuleFileFormat.CurrentVersion; version++)
        {
            if (All[version].ChangesDemos)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Migrates <paramref name="document"/> in place to the current format and returns the version it had.
    /// </summary>
    /// <exception cref="PersistenceException">The version is not a whole number, is negative, or is newer than this library reads.</exception>
    public static int MigrateToCurrent(JsonObject document) => MigrateToCurrent(document, new DocumentReader(null));

    internal static int MigrateToCurrent(JsonObject document, DocumentReader reader)
    {
        ArgumentNullException.ThrowIfNull(document);
        var original = ReadVersion(document, reader);
        for (var version = original; version < ModuleFileFormat.CurrentVersion; version++)
        {
            All[version].Apply(document);
            document[K.FormatVersion] = All[version].ToVersion;
        }

        return original;
    }

    /// <summary>The document's <c>format_version</c> (0 when absent), refused when it is newer than this library reads.</summary>
    internal static int ReadVersion(JsonObject document, DocumentReader reader)
    {
        var original = (int)(reader.OptionalInteger(document, K.FormatVersion, JsonPaths.Root, 0, int.MaxValue) ?? 0);
        if (original > ModuleFileFormat.CurrentVersion)
        {
            throw reader.Fail(
                $"Unsupported format_version {original}: this library reads format versions up to {ModuleFileFormat.CurrentVersion}; update LogiLlm to load this file",
                JsonPaths.Property(JsonPaths.Root, K.FormatVersion));
        }

        return original;
    }

    private static void MigrateFrom0(JsonObject document)
    {
        if (document[K.Signature] is JsonObject signature)
        {
            AddTypeExpressions(signature[K.InputFields]);
            AddTypeExpressions(signature[K.OutputFields]);
        }
    }

    private static void AddTypeExpressions(JsonNode? fields)
    {
        if (fields is not JsonObject map)
        {
            return;
        }

        foreach (var (_, spec) in map)
        {
            // Python keeps only the bare name ("list"): it is also the best full expression we can know.
            if (spec is JsonObject field && !field.ContainsKey(K.Type) && field[K.PythonType] is JsonValue bare
                && bare.TryGetValue<string>(out var name))
            {
                field[K.Type] = name;
            }
        }
    }
}
