using LogiLlm.Persistence;

namespace LogiLlm.Core.Tests.Persistence;

/// <summary>A composite without a signature whose children are added from outside (or by the loader).</summary>
internal sealed class Pipeline : Module
{
    public Pipeline()
        : base("Pipeline")
    {
    }

    public override Module Clone() => CopyStateTo(new Pipeline());

    protected override Task<Prediction> ForwardAsync(IReadOnlyDictionary<string, object?> inputs, CancellationToken cancellationToken) =>
        throw new NotSupportedException("test module");
}

/// <summary>A composite that builds its own children and keeps typed references to them.</summary>
internal sealed class SummarizeThenClassify : Module
{
    public SummarizeThenClassify()
        : base("SummarizeThenClassify")
    {
        Summarize = new Predict("text -> summary");
        Classify = new ChainOfThought("summary -> label: Literal['good', 'bad']");
        AddChild("summarize", Summarize);
        AddChild("classify", Classify);
    }

    public Predict Summarize { get; }

    public ChainOfThought Classify { get; }

    public override Module Clone() => CopyStateTo(new SummarizeThenClassify());

    protected override Task<Prediction> ForwardAsync(IReadOnlyDictionary<string, object?> inputs, CancellationToken cancellationToken) =>
        throw new NotSupportedException("test module");
}

internal static class TestModuleTypes
{
    public static ModuleTypeRegistry Create() => new ModuleTypeRegistry()
        .Register<Pipeline>("Pipeline")
        .Register<SummarizeThenClassify>("SummarizeThenClassify");
}
