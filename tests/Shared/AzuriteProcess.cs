using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace LogiLlm.Tests.Shared;

/// <summary>
/// A throw-away Azurite blob service (the pinned one in <c>tools/azurite</c>, installed by <c>tools/install-test-prerequisites.sh</c>, which the test command runs first) on a free
/// loopback port, with a random account key, killed with its process tree on dispose.
/// </summary>
public sealed class AzuriteProcess : IDisposable
{
    private const string Account = "logillm";
    private readonly Process _process;
    private readonly string _key;
    private bool _disposed;

    private AzuriteProcess(Process process, int port, string key, string location)
    {
        _process = process;
        Port = port;
        _key = key;
        Location = location;
    }

    /// <summary>The blob port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>Where Azurite keeps its data.</summary>
    public string Location { get; }

    /// <summary>Storage connection string for the Azure SDK.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={_key};BlobEndpoint=http://127.0.0.1:{Port}/{Account};";

    /// <summary>The folder holding the pinned Azurite (<c>tools/azurite</c>).</summary>
    public static string ToolDirectory { get; } = FindToolDirectory();

    /// <summary>Starts Azurite on <paramref name="location"/> and waits (bounded) until it accepts connections.</summary>
    public static AzuriteProcess Start(string location) => LoopbackPort.Start(port => StartOn(location, port));

    private static AzuriteProcess StartOn(string location, int port)
    {
        var script = Path.Combine(ToolDirectory, "node_modules", "azurite", "dist", "src", "blob", "main.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"Azurite is not installed in {ToolDirectory}: run dotnet test LogiLlm.Aspire.sln or tools/install-test-prerequisites.sh (or 'npm ci' there).");
        }

        Directory.CreateDirectory(location);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
        var start = new ProcessStartInfo("node")
        {
            ArgumentList =
            {
                script, "--location", location, "--blobHost", "127.0.0.1", "--blobPort", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--skipApiVersionCheck", "--disableTelemetry", "--silent",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["AZURITE_ACCOUNTS"] = $"{Account}:{key}";
        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start; is Node.js installed?");
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // Generous: node loads a large package, and the machine may be busy with other test assemblies.
        var deadline = DateTime.UtcNow.AddSeconds(180);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return new AzuriteProcess(process, port, key, location);
            }
            catch (SocketException)
            {
                if (process.HasExited)
                {
                    process.WaitForExit();
                    var text = string.Join(Environment.NewLine, output);
                    throw text.Contains("EADDRINUSE", StringComparison.Ordinal)
                        ? new AddressInUseException($"Azurite could not bind 127.0.0.1:{port}: {text}")
                        : new InvalidOperationException($"Azurite exited with code {process.ExitCode}: {text}");
                }

                Thread.Sleep(100);
            }
        }

        process.Kill(entireProcessTree: true);
        throw new TimeoutException($"Azurite did not accept connections within 180 s: {string.Join(Environment.NewLine, output)}");
    }

    /// <summary>Kills Azurite and its children for sure (it may ignore SIGTERM).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    private static string FindToolDirectory([CallerFilePath] string sourceFile = "")
    {
        string?[] starts = [AppContext.BaseDirectory, Path.GetDirectoryName(sourceFile)];
        foreach (var start in starts.OfType<string>())
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tools", "azurite");
                if (File.Exists(Path.Combine(candidate, "package.json")))
                {
                    return candidate;
                }
            }
        }

        throw new DirectoryNotFoundException($"No tools/azurite/package.json above {AppContext.BaseDirectory} or {sourceFile}.");
    }
}
