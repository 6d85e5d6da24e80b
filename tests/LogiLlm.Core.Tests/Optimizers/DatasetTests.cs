using System.Text.Json.Nodes;
using LogiLlm.Optimizers;

namespace LogiLlm.Core.Tests.Optimizers;

public class DatasetTests
{
    [Fact]
    public void LoadJsonl_reads_the_shared_email_dataset()
    {
        var path = OptimizerTestKit.SharedData(Path.Combine("emails", "train.jsonl"));

        var examples = Dataset.LoadJsonl(path);

        Assert.Equal(File.ReadLines(path).Count(l => !string.IsNullOrWhiteSpace(l)), examples.Count);
        Assert.All(examples, e =>
        {
            Assert.IsType<string>(e.InputValues()["email"]);
            Assert.False(string.IsNullOrWhiteSpace(e.OutputValues()["category"] as string));
        });
    }

    [Fact]
    public void ParseJsonl_skips_blank_lines_and_names_the_bad_line()
    {
        var examples = Dataset.ParseJsonl("{\"inputs\": {\"q\": \"a\"}, \"outputs\": {\"x\": 1}}\n\n{\"inputs\": {\"q\": \"b\"}}\n");
        Assert.Equal(2, examples.Count);
        Assert.Empty(examples[1].Outputs);
        Assert.Equal(1L, examples[0].OutputValues()["x"]);

        var error = Assert.Throws<FormatException>(() => Dataset.ParseJsonl("{\"inputs\": {\"q\": \"a\"}}\n{\"outputs\": {}}"));
        Assert.Contains("line 2", error.Message);
        Assert.Throws<FormatException>(() => Dataset.ParseJsonl("not json"));
    }

    [Fact]
    public void Digest_depends_on_content_and_order_but_not_on_key_order_or_formatting()
    {
        var a = Dataset.ParseJsonl("{\"inputs\": {\"q\": \"a\", \"r\": 1}, \"outputs\": {\"x\": \"y\"}}\n{\"inputs\": {\"q\": \"b\"}, \"outputs\": {\"x\": \"z\"}}");
        var sameReformatted = Dataset.ParseJsonl("{\"outputs\":{\"x\":\"y\"},\"inputs\":{\"r\":1,\"q\":\"a\"}}\n\n{ \"inputs\" : { \"q\" : \"b\" } , \"outputs\" : { \"x\" : \"z\" } }");
        var reordered = a.Reverse().ToArray();
        var changed = Dataset.ParseJsonl("{\"inputs\": {\"q\": \"a\", \"r\": 1}, \"outputs\": {\"x\": \"Y\"}}\n{\"inputs\": {\"q\": \"b\"}, \"outputs\": {\"x\": \"z\"}}");

        var digest = Dataset.ComputeDigest(a);

        Assert.StartsWith("sha256:", digest);
        Assert.Equal(7 + 64, digest.Length);
        Assert.Equal(digest, Dataset.ComputeDigest(sameReformatted));
        Assert.NotEqual(digest, Dataset.ComputeDigest(reordered));
        Assert.NotEqual(digest, Dataset.ComputeDigest(changed));
    }

    [Fact]
    public void Example_has_value_equality_and_round_trips_through_json_and_jsonl()
    {
        var example = Example.Create(new { email = "hi", tags = new[] { "a", "b" } }, new { category = "x" });
        var copy = Example.FromJson(JsonNode.Parse(example.ToJson().ToJsonString())!.AsObject());

        Assert.Equal(example, copy);
        Assert.NotEqual(example, Example.Create(new { email = "hi" }, new { category = "x" }));
        var writer = new StringWriter();
        Dataset.WriteJsonl([example, copy], writer);
        Assert.Equal([example, copy], Dataset.ParseJsonl(writer.ToString()));
        var demo = example.ToDemo();
        Assert.Equal("labeled", demo.Source);
        Assert.Equal("x", demo.OutputValues()["category"]);
    }
}
