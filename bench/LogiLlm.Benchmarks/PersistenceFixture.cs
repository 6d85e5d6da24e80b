using System.Security.Cryptography;
using LogiLlm.Demos;
using LogiLlm.Persistence;

namespace LogiLlm.Benchmarks;

/// <summary>The 1,000-demo module (~0.5 MB) the persistence rows load and save, in the forms they compare.</summary>
internal sealed class PersistenceFixture
{
    public PersistenceFixture()
    {
        var module = new Predict("email: str, tags: list[str] -> category: Literal['refund', 'order', 'feedback', 'other'], confidence: float");
        module.Config["temperature"] = 0.3;
        module.Config["max_tokens"] = 150;
        module.Metadata["lineage"] = "benchmark";
        module.DemoManager.MaxDemos = 8;
        var labels = new[] { "refund", "order", "feedback", "other" };
        for (var i = 0; i < 1000; i++)
        {
            module.DemoManager.Add(Demo.Create(
                new { email = $"Customer message number {i}: please help me with my order, it has not arrived and I would like an update or a refund soon.", tags = new[] { "support", $"batch-{i % 10}" } },
                new { category = labels[i % labels.Length], confidence = (i % 100) / 100.0 },
                score: 1.0 - (i % 50 / 100.0),
                source: "bootstrap"));
        }

        Module = module;
        Bytes = ModuleSaver.SaveToBytes(module);
        SignedBytes = ModuleSaver.SaveToBytes(module, new SaveOptions { SigningKey = Key });
        Document = ModuleSaver.CreateDocument(module);
    }

    public static ModuleSigningKey Key { get; } = ModuleSigningKey.FromSecret(RandomNumberGenerator.GetBytes(32), "bench");

    public Module Module { get; }

    /// <summary>The default save (integrity digest, no seal).</summary>
    public byte[] Bytes { get; }

    /// <summary>The same module signed with <see cref="Key"/> (HMAC-SHA256).</summary>
    public byte[] SignedBytes { get; }

    /// <summary>The document as the saver builds it, for the bare-serialize baseline.</summary>
    public System.Text.Json.Nodes.JsonObject Document { get; }

    public LoadOptions Load { get; } = new();

    public LoadOptions LoadNoDigest { get; } = new() { VerifyDigest = false };

    public LoadOptions LoadSigned { get; } = new() { TrustedSigningKeys = [Key], RequireSignature = true, RequireDigest = true };

    public SaveOptions SaveNoDigest { get; } = new() { IncludeIntegrity = false };

    public SaveOptions SaveSigned { get; } = new() { SigningKey = Key };
}
