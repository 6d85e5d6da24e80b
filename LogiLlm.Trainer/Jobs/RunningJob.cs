namespace LogiLlm.Trainer.Jobs;

/// <summary>The cancellation state of one job this worker runs.</summary>
internal sealed class RunningJob(string id, CancellationToken stoppingToken) : IDisposable
{
    private readonly CancellationTokenSource _cts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);

    public string Id { get; } = id;

    public CancellationToken Token => _cts.Token;

    public bool CancelRequested { get; private set; }

    public bool LeaseLost { get; private set; }

    public void RequestCancel()
    {
        CancelRequested = true;
        TryCancel();
    }

    public void LoseLease()
    {
        LeaseLost = true;
        TryCancel();
    }

    public void Dispose() => _cts.Dispose();

    private void TryCancel()
    {
        try
        {
            _cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
