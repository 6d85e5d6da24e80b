using System.Text.Json.Nodes;
using LogiLlm.Signatures;
using K = LogiLlm.Persistence.ModuleFileFormat.Keys;

namespace LogiLlm.Persistence;

/// <summary>Signature &lt;-&gt; <c>signature</c> object (LogiLLM's <c>BaseSignature.to_dict</c> shape plus a full <c>type</c> per field).</summary>
internal static class SignatureJson
{
    public static JsonObject Write(Signature signature)
    {
        var inputs = new JsonObject();
        foreach (var field in signature.InputFields)
        {
            inputs[field.Name] = WriteField(field);
        }

        var outputs = new JsonObject();
        foreach (var field in signature.OutputFields)
        {
            outputs[field.Name] = WriteField(field);
        }

        return new JsonObject
        {
            [K.Type] = signature.Type,
            [K.Instructions] = signature.Instructions,
            [K.Metadata] = SecretFilter.ScrubMetadata(signature.Metadata),
            [K.InputFields] = inputs,
            [K.OutputFields] = outputs,
        };
    }

    private static JsonObject WriteField(FieldSpec field) => new()
    {
        [K.FieldType] = field.Kind == FieldKind.Input ? "input" : "output",
        [K.PythonType] = field.Type.PythonType,
        [K.Type] = field.Type.ToString(),
        [K.Description] = field.Description,
        [K.Required] = field.Required,
        [K.Default] = field.Default?.DeepClone(),
        [K.Constraints] = SecretFilter.ScrubMetadata(field.Constraints),
        [K.Metadata] = SecretFilter.ScrubMetadata(field.Metadata),
    };

    public static Signature Read(JsonObject obj, string path, LoadContext context)
    {
        var r = context.Reader;
        var type = r.OptionalString(obj, K.Type, path) ?? "BaseSignature";
        var instructions = r.OptionalString(obj, K.Instructions, path);
        var metadata = r.OptionalObject(obj, K.Metadata, path);
        var inputs = ReadFields(obj, K.InputFields, FieldKind.Input, path, context);
        var outputs = ReadFields(obj, K.OutputFields, FieldKind.Output, path, context);
        try
        {
            return new Signature(inputs, outputs, instructions, (JsonObject?)metadata?.DeepClone(), type);
        }
        catch (ArgumentException e)
        {
            throw r.Fail($"Invalid signature: {e.Message}", path, e);
        }
    }

    private static List<FieldSpec> ReadFields(JsonObject signature, string key, FieldKind kind, string parentPath, LoadContext context)
    {
        var r = context.Reader;
        var path = JsonPaths.Property(parentPath, key);
        // Absent or null would read as no fields (and LogiLLM then makes "input -> output"): refuse rather than guess.
        var map = r.RequireObject(signature, key, parentPath);
        var result = new List<FieldSpec>();

        foreach (var (name, node) in map)
        {
            var fieldPath = JsonPaths.Property(path, name);
            var field = r.AsObject(node, fieldPath);
            var fieldType = r.OptionalString(field, K.FieldType, fieldPath);
            var expected = kind == FieldKind.Input ? "input" : "output";
            if (fieldType is not null && fieldType != expected)
            {
                throw r.Fail($"Expected field_type '{expected}' for a field in {key}, found '{fieldType}'", JsonPaths.Property(fieldPath, K.FieldType));
            }

            var type = ReadType(field, fieldPath, context);
            result.Add(new FieldSpec(name, kind, type)
            {
                Description = r.OptionalString(field, K.Description, fieldPath),
                Required = r.OptionalBool(field, K.Required, fieldPath) ?? true,
                Default = DocumentReader.Detach(field[K.Default]),
                Constraints = (JsonObject?)r.OptionalObject(field, K.Constraints, fieldPath)?.DeepClone() ?? [],
                Metadata = (JsonObject?)r.OptionalObject(field, K.Metadata, fieldPath)?.DeepClone() ?? [],
            });
        }

        return result;
    }

    private static FieldType ReadType(JsonObject field, string fieldPath, LoadContext context)
    {
        var r = context.Reader;
        var expression = r.OptionalString(field, K.Type, fieldPath);
        var bare = r.OptionalString(field, K.PythonType, fieldPath);
        if (expression is null && bare is null)
        {
            throw r.Fail("Missing required string 'python_type'", JsonPaths.Property(fieldPath, K.PythonType));
        }

        if (expression is not null)
        {
            var typePath = JsonPaths.Property(fieldPath, K.Type);
            FieldType parsed;
            try
            {
                parsed = FieldType.Parse(expression);
            }
            catch (SignatureParseException e)
            {
                throw r.Fail($"Invalid type expression: {e.Message}", typePath, e);
            }

            if (bare is not null && !string.Equals(bare, parsed.PythonType, StringComparison.Ordinal))
            {
                context.Warn(LoadDiagnostic.Ignored, $"python_type '{bare}' disagrees with type '{expression}'; the full type expression is used", JsonPaths.Property(fieldPath, K.PythonType));
            }

            return parsed;
        }

        // Python files carry only the bare name ("list", "Optional"); keep it as it is, even when it is not a name we know.
        try
        {
            return FieldType.Parse(bare!);
        }
        catch (SignatureParseException) when (IsIdentifier(bare!))
        {
            return FieldType.Create(bare!, null);
        }
        catch (SignatureParseException e)
        {
            throw r.Fail($"Invalid python_type: {e.Message}", JsonPaths.Property(fieldPath, K.PythonType), e);
        }
    }

    private static bool IsIdentifier(string text) =>
        text.Length is > 0 and <= 128 && (char.IsAsciiLetter(text[0]) || text[0] == '_') && text.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
