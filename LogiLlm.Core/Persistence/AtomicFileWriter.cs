namespace LogiLlm.Persistence;

/// <summary>
/// Writes files so that a reader (or a crash) only ever sees the old content or the complete new content:
/// temp file in the same folder, flush to disk, then rename over the target.
/// </summary>
internal static class AtomicFileWriter
{
    /// <summary>Atomically replaces (or creates) <paramref name="path"/> with <paramref name="content"/>.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> content)
    {
        var fullPath = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(fullPath) ?? throw new IOException($"Path has no directory: {path}");
        string? temp = null;
        try
        {
            Directory.CreateDirectory(directory);
            temp = WriteTemp(directory, Path.GetFileName(fullPath), content);
            File.Move(temp, fullPath, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (temp is not null)
            {
                TryDelete(temp);
            }

            throw NamingTarget(e, fullPath);
        }

        RemoveStaleTemps(directory, Path.GetFileName(fullPath));
    }

    /// <summary>The same failure, told about the target: our temp file is an implementation detail the caller never named.</summary>
    private static Exception NamingTarget(Exception e, string target)
    {
        var reason = e switch
        {
            UnauthorizedAccessException => "permission denied",
            DirectoryNotFoundException => "the folder does not exist",
            _ when Directory.Exists(target) => "a folder has that name",
            _ => TempName().Replace(e.Message, target),
        };
        return e is UnauthorizedAccessException
            ? new UnauthorizedAccessException($"Cannot write {target}: {reason}", e)
            : new IOException($"Cannot write {target}: {reason}", e);
    }

    private static System.Text.RegularExpressions.Regex TempName() =>
        new(@"[^\s'""]*\.[^\s'""/\\]+\.\d+\.[0-9a-f]{32}\.tmp", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>
    /// Atomically creates <paramref name="path"/> with <paramref name="content"/> only if it does not exist yet.
    /// Returns false (and leaves the existing file untouched) when the target already exists.
    /// </summary>
    public static bool TryCreateNew(string path, ReadOnlySpan<byte> content)
    {
        var fullPath = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(fullPath) ?? throw new IOException($"Path has no directory: {path}");
        Directory.CreateDirectory(directory);
        if (File.Exists(fullPath))
        {
            return false;
        }

        var temp = WriteTemp(directory, Path.GetFileName(fullPath), content);
        try
        {
            // Without overwrite .NET links the temp file to the target on Unix, which fails if the target exists.
            File.Move(temp, fullPath, overwrite: false);
        }
        catch (IOException) when (File.Exists(fullPath))
        {
            TryDelete(temp);
            return false;
        }
        catch
        {
            TryDelete(temp);
            throw;
        }

        return true;
    }

    private static string WriteTemp(string directory, string fileName, ReadOnlySpan<byte> content)
    {
        var temp = Path.Combine(directory, $".{fileName}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1, FileOptions.None);
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }

        return temp;
    }

    /// <summary>Temp files older than this were orphaned by a crash (a save takes far less) and are removed.</summary>
    internal static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(10);

    private static void RemoveStaleTemps(string directory, string fileName)
    {
        try
        {
            var cutoff = DateTime.UtcNow - StaleAfter;
            foreach (var file in Directory.EnumerateFiles(directory, $".{fileName}.*.tmp"))
            {
                if (File.GetLastWriteTimeUtc(file) < cutoff)
                {
                    TryDelete(file);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Cleaning up after someone else's crash must never fail this save.
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover temp file is harmless: it never has the target's name.
        }
    }
}
