namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Endpoint metadata: the largest request body the endpoint accepts and the setting that configures it, named in the
/// 413 answer so that an operator knows what to change.
/// </summary>
/// <param name="MaxBytes">Largest accepted body, in bytes.</param>
/// <param name="Setting">Configuration key of the limit, e.g. <c>Registry:MaxDocumentBytes</c>.</param>
public sealed record RequestBodyLimit(long MaxBytes, string Setting);
