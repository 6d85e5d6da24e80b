using System.Diagnostics;
using System.Globalization;

namespace LogiLlm.Tests.Shared;

/// <summary>Sends POSIX signals to a process the test started (SIGSTOP freezes a cache like a hung host, SIGCONT resumes it).</summary>
public static class ProcessSignal
{
    /// <summary>Freezes <paramref name="processId"/> (SIGSTOP): its connections stay open but nothing is answered.</summary>
    public static void Pause(int processId) => Send(processId, "-STOP");

    /// <summary>Lets a paused process go on (SIGCONT).</summary>
    public static void Resume(int processId) => Send(processId, "-CONT");

    private static void Send(int processId, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [signal, processId.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("kill did not start.");
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill {signal} {processId} exited with code {kill.ExitCode}.");
        }
    }
}
