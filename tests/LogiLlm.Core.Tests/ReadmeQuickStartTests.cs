using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using LogiLlm.Persistence;
using LogiLlm.Providers;

namespace LogiLlm.Core.Tests;

/// <summary>The README's quick start compiles and runs (here), and the README shows exactly this code.</summary>
public sealed partial class ReadmeQuickStartTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "logillm-readme", Guid.NewGuid().ToString("n"));
    private readonly string _previousDirectory = Environment.CurrentDirectory;

    public ReadmeQuickStartTests()
    {
        Directory.CreateDirectory(_folder);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task The_quick_start_creates_invokes_saves_and_loads_a_module()
    {
        var path = Path.Combine(_folder, "models", "email_classifier.json");

        // README quick start begin
        var providers = new ProviderRegistry();                 // or ProviderRegistry.Default, LogiLLM-style
        var provider = providers.CreateProvider("mock");        // "openai", "anthropic", "azure-openai", "local", ...
        providers.RegisterProvider(provider, setDefault: true);

        var classifier = new Predict("email: str -> category: str") { ProviderRegistry = providers };
        classifier.Config["temperature"] = 0.3;
        var result = await classifier.InvokeAsync(new { email = "Please refund my order" });
        Console.WriteLine(result.Outputs["category"]);

        classifier.Save(path);                                  // atomic; no secret is ever written
        var loaded = Predict.Load(path, new LoadOptions { SetupProvider = true, Providers = providers });
        var again = await loaded.InvokeAsync(new { email = "Please refund my order" });
        // README quick start end

        Assert.True(result.Success, result.Error);
        Assert.Equal(result.Outputs["category"], again.Outputs["category"]);
        Assert.Equal(0.3, loaded.Config.Temperature);
        Assert.Equal("email: str -> category: str", loaded.Signature!.ToString());
        Assert.Equal("mock", loaded.Provider?.Name);
    }

    [Fact]
    public void The_readme_shows_exactly_the_quick_start_that_this_test_runs()
    {
        var tested = Normalize(Between(File.ReadAllText(ThisFile()), "// README quick start begin", "// README quick start end"))
            .Replace("classifier.Save(path);", "classifier.Save(\"models/email_classifier.json\");", StringComparison.Ordinal)
            .Replace("Predict.Load(path,", "Predict.Load(\"models/email_classifier.json\",", StringComparison.Ordinal);
        var readme = File.ReadAllText(Path.Combine(Path.GetDirectoryName(ThisFile())!, "..", "..", "README.md"));
        var block = QuickStartBlock().Match(readme);

        Assert.True(block.Success, "README.md has no ```csharp block after '## Quick start'.");
        var shown = Normalize(string.Join('\n', block.Groups["code"].Value.Split('\n').Where(line => !line.StartsWith("using ", StringComparison.Ordinal))));
        Assert.Equal(tested, shown);
    }

    private static string ThisFile([CallerFilePath] string path = "") => path;

    private static string Between(string text, string start, string end)
    {
        var from = text.IndexOf(start, StringComparison.Ordinal) + start.Length;
        return text[from..text.IndexOf(end, from, StringComparison.Ordinal)];
    }

    private static string Normalize(string code) =>
        string.Join('\n', code.Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0));

    [GeneratedRegex(@"## Quick start.*?```csharp\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex QuickStartBlock();
}
