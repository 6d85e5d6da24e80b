using System.Net;
using System.Net.Sockets;

namespace LogiLlm.Tests.Shared;

/// <summary>
/// The one way test servers (redis-server, Azurite) get a loopback port. Nothing can reserve a port for a child
/// process, so a port the OS reports free may be taken before the server binds it; the server then reports the address
/// in use (<see cref="AddressInUseException"/>) and the start is repeated on a new port. Readiness is each server's own
/// business (its log line), never a connect that a process which took the port could answer.
/// </summary>
public static class LoopbackPort
{
    private const int Attempts = 5;

    /// <summary>Runs <paramref name="start"/> on a free port, again on a new one while the port turns out to be taken.</summary>
    public static T Start<T>(Func<int, T> start)
    {
        ArgumentNullException.ThrowIfNull(start);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return start(FreeNow());
            }
            catch (AddressInUseException) when (attempt < Attempts)
            {
                // Another process bound the port between our probe and the server's bind: take another.
            }
        }
    }

    private static int FreeNow()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A test server could not bind its port because another process holds it.</summary>
public sealed class AddressInUseException(string message) : Exception(message);
