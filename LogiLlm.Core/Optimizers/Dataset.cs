using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

using LogiLlm.Persistence;

namespace LogiLlm.Optimizers;

/// <summary>
/// Loading labelled datasets from JSONL (one <c>{"inputs": {...}, "outputs": {...}}</c> per line) and a
/// stable content digest of a dataset, recorded in the lineage of optimized modules.
/// </summary>
public static class Dataset
{
    /// <summary>Loads a JSONL file; blank lines are skipped.</summary>
    /// <exception cref="FormatException">A line is not a JSON object of the expected shape (the message gives the line number).</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static IReadOnlyList<Example> LoadJsonl(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var reader = new StreamReader(path, Encoding.UTF8);
        return ReadJsonl(reader, path);
    }

    /// <summary>Parses JSONL text; blank lines are skipped.</summary>
    /// <exception cref="FormatException">A line is not a JSON object of the expected shape.</exception>
    public static IReadOnlyList<Example> ParseJsonl(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        using var reader = new StringReader(text);
        return ReadJsonl(reader, null);
    }

    /// <summary>Reads JSONL from <paramref name="reader"/>; <paramref name="source"/> names it in error messages.</summary>
    /// <exception cref="FormatException">A line is not a JSON object of the expected shape.</exception>
    public static IReadOnlyList<Example> ReadJsonl(TextReader reader, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var examples = new List<Example>();
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                if (JsonNode.Parse(line) is not JsonObject item)
                {
                    throw new FormatException("the line is not a JSON object.");
                }

                examples.Add(Example.FromJson(item));
            }
            catch (Exception e) when (e is JsonException or FormatException)
            {
                throw new FormatException($"{source ?? "JSONL"} line {lineNumber}: {e.Message}", e);
            }
        }

        return examples;
    }

    /// <summary>Writes <paramref name="examples"/> as JSONL.</summary>
    public static void WriteJsonl(IEnumerable<Example> examples, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(writer);
        foreach (var example in examples)
        {
            writer.WriteLine(example.ToJson().ToJsonString(LogiLlm.Signatures.FieldValueJson.JsonOptions));
        }
    }

    /// <summary>
    /// <c>sha256:</c> + lower-case hex SHA-256 over the examples in order, each written as canonical JSON
    /// (keys sorted by ordinal, no white space) followed by a newline. The same items in the same order give
    /// the same digest whatever the key order or formatting of the source file.
    /// </summary>
    public static string ComputeDigest(IEnumerable<Example> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        foreach (var example in examples)
        {
            using (var writer = new Utf8JsonWriter(buffer, CanonicalJson.WriterOptions))
            {
                CanonicalJson.Write(writer, example.ToJson());
            }

            buffer.Write("\n"u8);
        }

        return "sha256:" + DocumentDigest.Of(buffer.WrittenSpan);
    }
}
