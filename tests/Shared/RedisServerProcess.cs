using System.Collections.Concurrent;
using System.Diagnostics;

namespace LogiLlm.Tests.Shared;

/// <summary>
/// The one way tests run a throw-away <c>redis-server</c> of their own (CI installs redis-server; the full-graph tests
/// use the AppHost's cache resource instead): a loopback port from <see cref="LoopbackPort"/>, no persistence, ready once
/// the server itself logs that it accepts connections.
/// </summary>
public sealed class RedisServerProcess : IDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(20);
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

    /// <summary>The server's process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Starts the server and waits (bounded) until it accepts connections.</summary>
    public static RedisServerProcess Start() => LoopbackPort.Start(StartOn);

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

    /// <summary>Starts the server on <paramref name="port"/>; <see cref="AddressInUseException"/> when another process holds it.</summary>
    internal static RedisServerProcess StartOn(int port)
    {
        var log = new ConcurrentQueue<string>();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process
        {
            StartInfo = new ProcessStartInfo("redis-server")
            {
                ArgumentList = { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            },
        };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                ready.TrySetException(new InvalidOperationException("redis-server stopped before it accepted connections."));
                return;
            }

            log.Enqueue(e.Data);
            if (e.Data.Contains("Ready to accept connections", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { log.Enqueue(e.Data); } };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            process.Dispose();
            throw new InvalidOperationException("redis-server did not start; is it installed (apt-get install redis-server)?", e);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            ready.Task.WaitAsync(ReadyTimeout).GetAwaiter().GetResult();
            return new RedisServerProcess(process, port);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.WaitForExit();
            process.Dispose();
            var text = string.Join(Environment.NewLine, log);
            if (text.Contains("Address already in use", StringComparison.Ordinal))
            {
                throw new AddressInUseException($"redis-server could not bind 127.0.0.1:{port}: {text}");
            }

            throw new InvalidOperationException($"redis-server on port {port} did not become ready ({e.Message}): {text}", e);
        }
    }
}
