using System.Text.Json;
using LogiLlm.Trainer.Jobs;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace LogiLlm.Trainer.Apis;

/// <summary>
/// Writes each optimizer option's default into the OpenAPI schema, read from a fresh record, so the defaults stay in
/// one place (the records' initializers) and the document cannot drift from them.
/// </summary>
internal sealed class OptimizerDefaultsSchemaTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var info = context.JsonTypeInfo;
        if (info.Type.IsAbstract || !info.Type.IsAssignableTo(typeof(OptimizerSettings)) || schema.Properties is null)
        {
            return Task.CompletedTask;
        }

        var fresh = Activator.CreateInstance(info.Type)!;
        foreach (var property in info.Properties)
        {
            if (property.Get?.Invoke(fresh) is { } value && schema.Properties.TryGetValue(property.Name, out var target) && target is OpenApiSchema inline)
            {
                inline.Default = JsonSerializer.SerializeToNode(value, property.PropertyType, info.Options);
            }
        }

        return Task.CompletedTask;
    }
}
