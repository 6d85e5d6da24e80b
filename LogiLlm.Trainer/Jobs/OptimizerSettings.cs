using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;
using LogiLlm.Optimizers;

namespace LogiLlm.Trainer.Jobs;

/// <summary>
/// The optimizer of a training job and its options: <c>{"type": "bootstrap-few-shot", "maxLabeledDemos": 8}</c>.
/// One record per optimizer; every default lives here, next to its option. Ranges are attributes, checked before
/// anything is queued and described in the OpenAPI document; an option the optimizer does not have is refused.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(LabeledFewShotSettings), OptimizerTypes.LabeledFewShot)]
[JsonDerivedType(typeof(BootstrapFewShotSettings), OptimizerTypes.BootstrapFewShot)]
[JsonDerivedType(typeof(HyperparameterSettings), OptimizerTypes.Hyperparameter)]
[JsonDerivedType(typeof(HybridSettings), OptimizerTypes.Hybrid)]
public abstract record OptimizerSettings
{
    /// <summary>Seed of the optimizer's only random source (the same seed gives the same run).</summary>
    public int Seed { get; init; }

    /// <summary>The optimizer's wire name (one of <see cref="OptimizerTypes"/>), written as <c>type</c>.</summary>
    [JsonIgnore]
    public string Type => this switch
    {
        LabeledFewShotSettings => OptimizerTypes.LabeledFewShot,
        BootstrapFewShotSettings => OptimizerTypes.BootstrapFewShot,
        HyperparameterSettings => OptimizerTypes.Hyperparameter,
        HybridSettings => OptimizerTypes.Hybrid,
        _ => GetType().Name,
    };

    /// <summary>Whether the optimizer searches a <c>paramSpace</c>.</summary>
    [JsonIgnore]
    public bool SearchesParameters => this is HyperparameterSettings or HybridSettings;
}

/// <summary>Labelled training examples become the demos.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record LabeledFewShotSettings : OptimizerSettings
{
    /// <summary>Demos kept; when omitted, every training row (up to 100) for the local model and 16 for an LLM.</summary>
    [Range(1, 100)]
    public int? MaxDemos { get; init; }
}

/// <summary>A teacher run keeps the demos the metric accepts (DSPy's BootstrapFewShot).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record BootstrapFewShotSettings : OptimizerSettings
{
    /// <summary>Demos the model answered right, at most (DSPy's 4).</summary>
    [Range(0, 100)]
    public int MaxBootstrappedDemos { get; init; } = BootstrapFewShot.DefaultMaxBootstrappedDemos;

    /// <summary>Most demos in all: labelled ones fill up to it after the bootstrapped ones (DSPy's 16).</summary>
    [Range(0, 100)]
    public int MaxLabeledDemos { get; init; } = BootstrapFewShot.DefaultMaxLabeledDemos;

    /// <summary>Bootstrap rounds.</summary>
    [Range(1, 20)]
    public int MaxRounds { get; init; } = 1;

    /// <summary>Score a teacher answer needs to become a demo.</summary>
    [Range(0.0, 1.0)]
    public double MetricThreshold { get; init; } = 1.0;
}

/// <summary>Searches the hyperparameter space (<c>paramSpace</c>).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record HyperparameterSettings : OptimizerSettings
{
    /// <summary>Configurations tried; when omitted, 20 for random search and the whole grid for grid search.</summary>
    [Range(1, 500)]
    public int? Trials { get; init; }

    /// <summary>How configurations are picked.</summary>
    [JsonConverter(typeof(KebabCaseEnumConverter<SearchStrategy>))]
    public SearchStrategy Strategy { get; init; } = SearchStrategy.Random;

    /// <summary>Points per range for grid search.</summary>
    [Range(1, 50)]
    public int GridResolution { get; init; } = 5;

}

/// <summary>Demos and hyperparameters together.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record HybridSettings : OptimizerSettings
{
    /// <summary>How demo and parameter search alternate.</summary>
    [JsonConverter(typeof(KebabCaseEnumConverter<HybridStrategy>))]
    public HybridStrategy Strategy { get; init; } = HybridStrategy.Alternating;

    /// <summary>Rounds.</summary>
    [Range(1, 20)]
    public int Iterations { get; init; } = 3;

    /// <summary>Configurations per round; when omitted, the hyperparameter optimizer's default.</summary>
    [Range(1, 500)]
    public int? Trials { get; init; }

    /// <summary>Demos the model answered right, at most (DSPy's 4).</summary>
    [Range(0, 100)]
    public int MaxBootstrappedDemos { get; init; } = BootstrapFewShot.DefaultMaxBootstrappedDemos;

    /// <summary>Most demos in all: labelled ones fill up to it after the bootstrapped ones (DSPy's 16).</summary>
    [Range(0, 100)]
    public int MaxLabeledDemos { get; init; } = BootstrapFewShot.DefaultMaxLabeledDemos;

    /// <summary>How the parameter search picks configurations.</summary>
    [JsonConverter(typeof(KebabCaseEnumConverter<SearchStrategy>))]
    public SearchStrategy SearchStrategy { get; init; } = SearchStrategy.Random;

    /// <summary>Score a teacher answer needs to become a demo.</summary>
    [Range(0.0, 1.0)]
    public double MetricThreshold { get; init; } = 1.0;

}
