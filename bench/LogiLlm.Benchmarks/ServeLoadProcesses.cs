using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace LogiLlm.Benchmarks;

/// <summary>
/// Child processes of the <c>serve-load</c> mode: a throw-away redis-server and the built trainer and inference,
/// all on free loopback ports; every process started here is killed (with its tree) on dispose.
/// </summary>
internal sealed class ServeLoadProcesses : IDisposable
{
    private const int OutputLines = 40;

    private readonly List<Child> _children = [];
    private readonly Lock _gate = new();

    /// <summary>A started child and the last lines it wrote (for error messages).</summary>
    internal sealed class Child(string name, Process process)
    {
        private readonly Queue<string> _tail = new();

        /// <summary>Display name.</summary>
        public string Name { get; } = name;

        /// <summary>The process.</summary>
        public Process Process { get; } = process;

        /// <summary>Keeps the last lines of output.</summary>
        public void Add(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_tail)
            {
                _tail.Enqueue(line);
                while (_tail.Count > OutputLines)
                {
                    _tail.Dequeue();
                }
            }
        }

        /// <summary>The last lines of output.</summary>
        public string Tail()
        {
            lock (_tail)
            {
                return _tail.Count == 0 ? "(no output)" : string.Join(Environment.NewLine, _tail);
            }
        }
    }

    /// <summary>A free TCP port on 127.0.0.1.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts <c>redis-server</c> from PATH on a free port and waits (bounded) until it accepts connections.</summary>
    public async Task<int> StartRedisAsync(CancellationToken cancellationToken)
    {
        var port = FreePort();
        var info = new ProcessStartInfo("redis-server")
        {
            ArgumentList = { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" },
        };
        Child child;
        try
        {
            child = Start("redis-server", info);
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException(
                $"serve-load needs redis-server on PATH (Debian/Ubuntu: apt-get install redis-server); starting it failed: {ex.Message}", ex);
        }

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken).ConfigureAwait(false);
                return port;
            }
            catch (SocketException)
            {
                ThrowIfExited(child);
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }
        }

        throw new TimeoutException($"redis-server did not accept connections on port {port} within 20 s.{Environment.NewLine}{child.Tail()}");
    }

    /// <summary>Starts <c>dotnet &lt;dll&gt;</c> with the given environment, in the dll's folder (its content root).</summary>
    public Child StartDotnetApp(string name, string dll, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll },
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };

        // Nothing from the bench's own environment may redirect the child (telemetry export, another environment name).
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("OTEL_", StringComparison.Ordinal)
            || k.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || k is "DOTNET_ENVIRONMENT" or "DOTNET_URLS").ToList())
        {
            info.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        return Start(name, info);
    }

    /// <summary>Waits (bounded) until <paramref name="url"/> answers 2xx; fails early with the child's output if it exits.</summary>
    public static async Task WaitHealthyAsync(HttpClient http, Child child, string url, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        string last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            ThrowIfExited(child);
            try
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                attempt.CancelAfter(TimeSpan.FromSeconds(5));
                using var response = await http.GetAsync(url, attempt.Token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }

                last = $"HTTP {(int)response.StatusCode}";
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                last = ex.Message;
            }

            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }

        throw new TimeoutException($"{child.Name} was not healthy at {url} within {timeout.TotalSeconds:0} s ({last}).{Environment.NewLine}{child.Tail()}");
    }

    /// <summary>Runs <c>dotnet build -c Release</c> of a project (bounded), failing with the build's last lines.</summary>
    public static async Task BuildAsync(string csproj, string? artifactsPath, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            // No build servers: nothing started here outlives the bench.
            ArgumentList = { "build", csproj, "-c", "Release", "--nologo", "-v", "q", "--disable-build-servers" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (artifactsPath is not null)
        {
            info.ArgumentList.Add($"-p:ArtifactsPath={artifactsPath}");
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet build did not start.");
        var child = new Child("build", process);
        process.OutputDataReceived += (_, e) => child.Add(e.Data);
        process.ErrorDataReceived += (_, e) => child.Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(bounded.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"dotnet build {Path.GetFileName(csproj)} did not finish within {timeout.TotalMinutes:0} min.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet build -c Release {csproj} failed (exit {process.ExitCode}):{Environment.NewLine}{child.Tail()}");
        }
    }

    /// <summary>Kills every child started here (with its process tree).</summary>
    public void Dispose()
    {
        List<Child> children;
        lock (_gate)
        {
            children = [.. _children];
            _children.Clear();
        }

        children.Reverse();
        foreach (var child in children)
        {
            try
            {
                if (!child.Process.HasExited)
                {
                    child.Process.Kill(entireProcessTree: true);
                    child.Process.WaitForExit(5000);
                }
            }
            catch (Exception ex) when (ex is InvalidOperationException or Win32Exception)
            {
                Console.Error.WriteLine($"could not stop {child.Name} (pid {SafeId(child.Process)}): {ex.Message}");
            }
            finally
            {
                child.Process.Dispose();
            }
        }
    }

    private static int SafeId(Process process)
    {
        try
        {
            return process.Id;
        }
        catch (InvalidOperationException)
        {
            return -1;
        }
    }

    private static void ThrowIfExited(Child child)
    {
        if (child.Process.HasExited)
        {
            throw new InvalidOperationException($"{child.Name} exited with code {child.Process.ExitCode}:{Environment.NewLine}{child.Tail()}");
        }
    }

    private Child Start(string name, ProcessStartInfo info)
    {
        info.UseShellExecute = false;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        var process = Process.Start(info) ?? throw new InvalidOperationException($"{name} did not start.");
        var child = new Child(name, process);
        lock (_gate)
        {
            _children.Add(child);
        }

        process.OutputDataReceived += (_, e) => child.Add(e.Data);
        process.ErrorDataReceived += (_, e) => child.Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }
}
