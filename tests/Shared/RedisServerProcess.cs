using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace LogiLlm.Tests.Shared;

/// <summary>A throw-away <c>redis-server</c> on a free loopback port, for service tests (CI installs redis-server).</summary>
public sealed class RedisServerProcess : IDisposable
{
    private readonly Process _process;
    private bool _disposed;

    private RedisServerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    /// <summary>The port it listens on (127.0.0.1).</summary>
    public int Port { get; }

    /// <summary>StackExchange.Redis connection string.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>Starts the server and waits (bounded) until it accepts connections.</summary>
    public static RedisServerProcess Start()
    {
        var port = FreePort();
        var process = Process.Start(new ProcessStartInfo("redis-server", $"--port {port} --bind 127.0.0.1 --save \"\" --appendonly no")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("redis-server did not start; is it installed (apt-get install redis-server)?");
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return new RedisServerProcess(process, port);
            }
            catch (SocketException)
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"redis-server exited with code {process.ExitCode}.");
                }

                Thread.Sleep(50);
            }
        }

        process.Kill();
        throw new TimeoutException("redis-server did not accept connections within 20 s.");
    }

    /// <summary>The server's process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Freezes the server (SIGSTOP): connections stay open but nothing is answered, like a hung cache.</summary>
    public void Pause() => ProcessSignal.Pause(_process.Id);

    /// <summary>Lets a paused server go on (SIGCONT).</summary>
    public void Resume() => ProcessSignal.Resume(_process.Id);

    /// <summary>Stops the server (used by tests that check behaviour while Redis is down).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
