namespace LogiLlm.AppHost.Cache;

/// <summary>How the <c>cache</c> resource is provided (<c>Redis:Mode</c>).</summary>
public enum CacheMode
{
    /// <summary>The Redis container image, through <c>AddRedis</c>; needs a container runtime.</summary>
    Container,

    /// <summary>A <c>redis-server</c> found on PATH, run as an executable resource.</summary>
    Executable,

    /// <summary>The embedded Garnet server (LogiLlm.GarnetHost), Redis-compatible, from NuGet.</summary>
    Garnet,
}
