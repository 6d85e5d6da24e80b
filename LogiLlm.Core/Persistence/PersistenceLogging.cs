using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LogiLlm.Persistence;

/// <summary>
/// Where saves and loads log when the call names no logger (<see cref="LoadOptions.Logger"/>, <see cref="SaveOptions.Logger"/>):
/// a library-wide <see cref="ILoggerFactory"/> that a host sets once at start-up (the services do, through
/// <c>AddLogiLlmPersistenceLogging</c>). Unset, nothing is logged; the warnings are still on <see cref="Module.LoadReport"/>.
/// </summary>
public static class PersistenceLogging
{
    /// <summary>The logger category of saves and loads.</summary>
    public const string CategoryName = "LogiLlm.Persistence";

    private static ILoggerFactory? s_factory;

    /// <summary>The factory used when a call names no logger; null (the default) logs nothing.</summary>
    public static ILoggerFactory? DefaultLoggerFactory
    {
        get => Volatile.Read(ref s_factory);
        set => Volatile.Write(ref s_factory, value);
    }

    /// <summary>Sets <see cref="DefaultLoggerFactory"/> back to null, but only if it is still <paramref name="factory"/> (a host that stops leaves another's alone).</summary>
    public static void Reset(ILoggerFactory factory) => Interlocked.CompareExchange(ref s_factory, null, factory);

    /// <summary>The logger of one call: the explicit one, else one from the default factory, else a null logger.</summary>
    internal static ILogger Resolve(ILogger? explicitLogger)
    {
        if (explicitLogger is not null)
        {
            return explicitLogger;
        }

        if (DefaultLoggerFactory is { } factory)
        {
            try
            {
                return factory.CreateLogger(CategoryName);
            }
            catch (ObjectDisposedException)
            {
                // A host that was disposed without resetting: logging must never fail a load.
            }
        }

        return NullLogger.Instance;
    }
}
