using LogiLlm.Adapters;
using LogiLlm.Providers;
using LogiLlm.Signatures;

namespace LogiLlm.LocalModel;

/// <summary>
/// How the local model answers a LogiLlm prompt. Label-like outputs (<c>Literal[...]</c>, <c>bool</c>, values that
/// repeat across demos, or, with no demos, a <c>str</c> whose description or the instructions list its labels)
/// are decided by <see cref="PrototypeClassifier"/>; outputs that are the model's own confidence
/// (<see cref="ConfidenceField"/>) get the chosen label's probability; other outputs are copied from the nearest
/// demo that agrees with the chosen labels. A demo value the adapter cannot read, or the adapter's
/// "not supplied" placeholder, counts as absent for that field only, so demos that carry only some outputs
/// still teach the others.
/// </summary>
/// <remarks>
/// Longer than most files: one decision, how each output field is answered, whose rules (labels, confidence, copied
/// values, absent values) depend on each other field by field and read best side by side; the classifier and the
/// embedder are types of their own.
/// </remarks>
internal static class NearestDemoAnswerer
{
    public static LocalAnswer Answer(PromptView view, SentenceEmbedder embedder, LocalModelOptions options, CancellationToken cancellationToken)
    {
        var texts = new List<string>(view.Demos.Count + 1) { view.Query };
        texts.AddRange(view.Demos.Select(d => d.Input));
        var vectors = embedder.Embed(texts, cancellationToken);
        var query = vectors[0];
        var demoVectors = vectors.Skip(1).ToArray();

        if (view.Signature is { } signature && view.Adapter is { } adapter)
        {
            var parsed = new List<(float[] Vector, IReadOnlyDictionary<string, object?> Outputs)>();
            for (var i = 0; i < view.Demos.Count; i++)
            {
                if (ParseDemo(adapter, signature, view.Demos[i].Reply) is { Count: > 0 } outputs)
                {
                    parsed.Add((demoVectors[i], outputs));
                }
            }

            if (parsed.Count > 0 || view.Demos.Count == 0)
            {
                return AnswerFields(signature, adapter, query, parsed, embedder, options, cancellationToken);
            }
        }

        return AnswerWhole(view, query, demoVectors, embedder, options, cancellationToken);
    }

    /// <summary>The output values a demo reply holds; fields it lacks, cannot convert, or marks "not supplied" are left out.</summary>
    internal static Dictionary<string, object?> ParseDemo(AdapterBase adapter, Signature signature, string reply)
    {
        // Every output optional, so a missing one is no error; a value that does not convert drops that field only.
        var fields = signature.OutputFields.Select(f => f with { Required = false }).ToList();
        while (fields.Count > 0)
        {
            try
            {
                var values = adapter.Parse(new Signature(signature.InputFields, fields), reply);
                return values
                    .Where(kv => kv.Value is not null && !(kv.Value is string text && text.Trim() == AdapterBase.NotSupplied))
                    .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
            }
            catch (AdapterParseException e) when (e.FieldName is { } bad && fields.Any(f => f.Name == bad))
            {
                fields.RemoveAll(f => f.Name == bad);
            }
            catch (AdapterParseException)
            {
                break;
            }
        }

        return [];
    }

    private static LocalAnswer AnswerFields(
        Signature signature,
        AdapterBase adapter,
        float[] query,
        List<(float[] Vector, IReadOnlyDictionary<string, object?> Outputs)> demos,
        SentenceEmbedder embedder,
        LocalModelOptions options,
        CancellationToken cancellationToken)
    {
        var allDemos = demos.Select(d => d.Vector).ToArray();
        var confidenceFields = signature.OutputFields
            .Select(f => (Field: f, Kind: ConfidenceField.Of(f, demos.Select(d => d.Outputs.GetValueOrDefault(f.Name)))))
            .Where(c => c.Kind != ConfidenceField.Kind.None)
            .ToList();
        var chosen = new Dictionary<string, object?>(StringComparer.Ordinal);
        var decisions = new List<(string Field, PrototypeClassifier.Decision Decision)>();
        string? method = null;
        double similarity = 0;
        foreach (var field in signature.OutputFields.Where(f => confidenceFields.All(c => c.Field.Name != f.Name)))
        {
            var candidates = Candidates(field, signature, demos, embedder, cancellationToken);
            if (candidates.Count == 0)
            {
                continue;
            }

            var decision = PrototypeClassifier.Classify(query, candidates, allDemos, options.LabelNameWeight);
            chosen[field.Name] = decision.Choice.Value;
            decisions.Add((field.Name, decision));
            if (method is null)
            {
                method = candidates.All(c => c.Demos.Count == 0) ? "label-name" : "prototype";
                similarity = decision.Similarity;
            }
        }

        // Free-text outputs come from one demo, the nearest that agrees with the labels chosen above.
        var agreeing = demos.Where(d => chosen.All(c => d.Outputs.TryGetValue(c.Key, out var v) && SameValue(v, c.Value))).ToList();
        var pool = agreeing.Count > 0 ? agreeing : demos;
        double? copiedShare = null;
        foreach (var field in signature.OutputFields.Where(f => !chosen.ContainsKey(f.Name) && confidenceFields.All(c => c.Field.Name != f.Name)))
        {
            var having = pool.Where(d => d.Outputs.ContainsKey(field.Name)).ToList();
            if (having.Count == 0)
            {
                having = demos.Where(d => d.Outputs.ContainsKey(field.Name)).ToList();
            }

            if (having.Count > 0)
            {
                var similarities = having.Select(d => (double)SentenceEmbedder.Similarity(query, d.Vector)).ToArray();
                var nearest = Array.IndexOf(similarities, similarities.Max());
                chosen[field.Name] = having[nearest].Outputs[field.Name];
                copiedShare ??= PrototypeClassifier.Softmax(similarities)[nearest];
                if (method is null)
                {
                    method = "nearest-demo";
                    similarity = similarities[nearest];
                }
            }
            else
            {
                chosen[field.Name] = NoDemoValue(field, options);
            }
        }

        // The model's own confidence: the probability of the label it chose (the label field the name points to,
        // e.g. category_confidence, else the first); with no label, the vote share of the copied demo; else 0.
        double? confidence = null;
        foreach (var (field, kind) in confidenceFields)
        {
            var words = ConfidenceField.Words(field.Name);
            var decision = decisions.FirstOrDefault(d => words.Contains(d.Field.ToLowerInvariant())).Decision ?? decisions.FirstOrDefault().Decision;
            var value = decision?.Confidence ?? copiedShare ?? 0;
            confidence ??= value;
            chosen[field.Name] = ConfidenceField.Value(kind, value);
        }

        confidence ??= decisions.Count > 0 ? decisions[0].Decision.Confidence : copiedShare;
        return new LocalAnswer(adapter.FormatReply(signature, chosen), method ?? "none", similarity, confidence);
    }

    /// <summary>
    /// The labels <paramref name="field"/> can take, with their demos: declared <c>Literal</c> labels; values seen
    /// in demos when they repeat (or are bools); with no demo for the field, labels listed in its description or
    /// the instructions. Empty when the field is not label-like.
    /// </summary>
    private static List<PrototypeClassifier.Candidate> Candidates(
        FieldSpec field,
        Signature signature,
        List<(float[] Vector, IReadOnlyDictionary<string, object?> Outputs)> demos,
        SentenceEmbedder embedder,
        CancellationToken cancellationToken)
    {
        var groups = new Dictionary<string, (List<float[]> Vectors, object? Value)>(StringComparer.Ordinal);
        var order = new List<string>();
        void Add(string key, object? value, float[]? vector)
        {
            if (!groups.TryGetValue(key, out var group))
            {
                groups[key] = group = ([], value);
                order.Add(key);
            }

            if (vector is not null)
            {
                group.Vectors.Add(vector);
            }
        }

        var type = field.Type.Unwrapped;
        var withValue = demos.Where(d => d.Outputs.TryGetValue(field.Name, out var v) && v is not null).ToList();
        if (field.Type.IsLabelSet)
        {
            foreach (var label in field.Type.Labels)
            {
                Add(label, label, null);
            }

            foreach (var (vector, outputs) in withValue)
            {
                var key = FieldValueJson.ToPromptText(outputs[field.Name]);
                if (groups.ContainsKey(key))
                {
                    // A demo value outside a declared label set would only make the reply fail to parse.
                    Add(key, outputs[field.Name], vector);
                }
            }
        }
        else if (withValue.Count > 0)
        {
            if (!IsLabelLike(field, withValue))
            {
                return [];
            }

            foreach (var (vector, outputs) in withValue)
            {
                Add(FieldValueJson.ToPromptText(outputs[field.Name]), outputs[field.Name], vector);
            }
        }
        else if (type.Name == "str")
        {
            var names = signature.InputFields.Concat(signature.OutputFields).Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
            var listed = LabelListReader.Read(field.Description, names);
            if (listed.Count < 2)
            {
                listed = LabelListReader.Read(signature.Instructions, names);
            }

            foreach (var label in listed)
            {
                Add(label, label, null);
            }
        }

        if (groups.Count == 0)
        {
            return [];
        }

        // Names are a prior for text labels only: "true" or "3" says nothing about an email.
        var named = field.Type.IsLabelSet || type.Name == "str";
        var nameVectors = named ? embedder.Embed(order.Select(LabelText).ToArray(), cancellationToken) : null;
        return order.Select((key, i) => new PrototypeClassifier.Candidate(key, groups[key].Value, groups[key].Vectors, nameVectors?[i])).ToList();
    }

    /// <summary>Without a readable signature: vote over the demo replies verbatim (identical replies form one label).</summary>
    private static LocalAnswer AnswerWhole(PromptView view, float[] query, float[][] demoVectors, SentenceEmbedder embedder, LocalModelOptions options, CancellationToken cancellationToken)
    {
        if (view.Demos.Count == 0)
        {
            if (view.Signature is { OutputFields: [{ Type.IsLabelSet: true } only] })
            {
                // A bare value is what a single-output reply holds in the chat format.
                var labels = only.Type.Labels;
                var vectors = embedder.Embed(labels.Select(LabelText).ToArray(), cancellationToken);
                var similarities = vectors.Select(v => (double)SentenceEmbedder.Similarity(query, v)).ToArray();
                var best = Array.IndexOf(similarities, similarities.Max());
                return new LocalAnswer(labels[best], "label-name", similarities[best], PrototypeClassifier.Softmax(similarities)[best]);
            }

            return new LocalAnswer(options.NoAnswerText, "none", 0, 0);
        }

        var groups = new Dictionary<string, (float[] Sum, object? Value)>(StringComparer.Ordinal);
        for (var i = 0; i < view.Demos.Count; i++)
        {
            var reply = view.Demos[i].Reply.Trim();
            Accumulate(groups, reply, reply, demoVectors[i], 1f);
        }

        var scored = groups.Values
            .Select(g => ((string)g.Value!, Score: (double)SentenceEmbedder.Similarity(query, PrototypeClassifier.Normalize(g.Sum))))
            .ToList();
        var (text, score) = scored.MaxBy(g => g.Score);
        var share = PrototypeClassifier.Softmax(scored.Select(g => g.Score).ToArray())[scored.FindIndex(g => g.Item1 == text)];
        return new LocalAnswer(text, groups.Count < view.Demos.Count ? "centroid" : "nearest-demo", score, share);
    }

    private static bool IsLabelLike(FieldSpec field, List<(float[] Vector, IReadOnlyDictionary<string, object?> Outputs)> withValue)
    {
        if (field.Type.Unwrapped.Name == "bool")
        {
            return true;
        }

        // "Labels seen in the demos": a field whose values repeat (at most half as many distinct values as demos).
        var values = withValue.Select(d => FieldValueJson.ToPromptText(d.Outputs[field.Name])).ToList();
        return values.Count >= 4 && values.Distinct(StringComparer.Ordinal).Count() * 2 <= values.Count;
    }

    private static object? NoDemoValue(FieldSpec field, LocalModelOptions options)
    {
        if (field.Type.IsOptional || !field.Required)
        {
            return null;
        }

        if (field.Default is not null)
        {
            return FieldValueJson.FromJsonNode(field.Default);
        }

        if (field.Type.Unwrapped.Name is "str" or "Any")
        {
            return options.NoAnswerText;
        }

        // Not transient: asking again gives the same answer.
        throw new ProviderException(
            $"The local model has no demo to take output field '{field.Name}' ({field.Type}) from, and it does not invent values " +
            "(it answers only labels, values copied from demos, and its own confidence for a float named like 'confidence', 'probability' or 'score'). " +
            "Add demos (few-shot) or use an LLM provider.",
            LocalModelProvider.ProviderName);
    }

    /// <summary>The text embedded for a label name: <c>order_status</c> reads as "order status".</summary>
    internal static string LabelText(string label) => label.Replace('_', ' ').Replace('-', ' ').Trim();

    private static bool SameValue(object? a, object? b) =>
        string.Equals(FieldValueJson.ToPromptText(a), FieldValueJson.ToPromptText(b), StringComparison.Ordinal);

    private static void Accumulate(Dictionary<string, (float[] Sum, object? Value)> groups, string key, object? value, float[] vector, float weight)
    {
        if (!groups.TryGetValue(key, out var group))
        {
            group = (new float[vector.Length], value);
            groups[key] = group;
        }

        for (var i = 0; i < vector.Length; i++)
        {
            group.Sum[i] += weight * vector[i];
        }
    }
}
