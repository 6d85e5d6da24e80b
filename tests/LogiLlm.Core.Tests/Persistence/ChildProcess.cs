using System.Diagnostics;

namespace LogiLlm.Core.Tests.Persistence;

/// <summary>Starts tests/LogiLlm.CrashSaver (copied next to the test assembly) as a separate process.</summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly SemaphoreSlim _lineArrived = new(0);

    private ChildProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (_lines)
            {
                _lines.Add(e.Data);
            }

            _lineArrived.Release();
        };
        _process.BeginOutputReadLine();
    }

    public int Id => _process.Id;

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return _lines.ToArray();
            }
        }
    }

    public static ChildProcess Start(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "LogiLlm.CrashSaver.dll");
        Assert.True(File.Exists(dll), $"missing {dll}");
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (string.IsNullOrEmpty(host) || !File.Exists(host))
        {
            host = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
        }

        var info = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = false, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return new ChildProcess(Process.Start(info) ?? throw new InvalidOperationException("could not start the child process"));
    }

    /// <summary>Waits until the child has printed at least <paramref name="count"/> lines.</summary>
    public async Task WaitForLinesAsync(int count, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (Lines.Count < count)
        {
            if (_process.HasExited && Lines.Count < count)
            {
                await Task.Delay(50, CancellationToken.None); // let the last lines drain
                Assert.True(Lines.Count >= count, $"child exited with {_process.ExitCode} after {Lines.Count} lines");
                return;
            }

            try
            {
                await _lineArrived.WaitAsync(TimeSpan.FromMilliseconds(200), cts.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"timed out after {timeout} waiting for {count} lines (got {Lines.Count})");
            }
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit(); // flush redirected output
        return _process.ExitCode;
    }

    /// <summary>SIGKILL on Unix: the process gets no chance to finish what it is writing.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: false);
        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
        _lineArrived.Dispose();
    }
}
