using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LogiLlm.Core.Tests.Providers;

/// <summary>One request the stub received.</summary>
internal sealed record CapturedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string RawBody)
{
    public JsonObject Body => JsonNode.Parse(RawBody)!.AsObject();
}

/// <summary>What the stub answers; null body means "the default success body for this protocol".</summary>
/// <remarks><see cref="Text"/> is the assistant text of a success body (default <see cref="LoopbackLlmServer.ReplyText"/>).
/// <see cref="Delay"/> of <see cref="Timeout.InfiniteTimeSpan"/> holds the request until the client gives up.</remarks>
internal sealed record StubReply(int Status = 200, string? Body = null, TimeSpan? Delay = null, string ContentType = "application/json", IReadOnlyDictionary<string, string>? Headers = null, string? Text = null);

/// <summary>
/// Kestrel on 127.0.0.1 with an OS-assigned port that speaks just enough of OpenAI's
/// /v1/chat/completions (also Azure's /openai/v1/chat/completions) and Anthropic's /v1/messages.
/// Replies come from a queue; when it is empty the default success reply is sent.
/// </summary>
internal sealed class LoopbackLlmServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<StubReply> _replies = new();
    private readonly ConcurrentQueue<CapturedRequest> _requests = new();
    private readonly System.Threading.Channels.Channel<CapturedRequest> _arrivals = System.Threading.Channels.Channel.CreateUnbounded<CapturedRequest>();

    private LoopbackLlmServer(WebApplication app) => _app = app;

    public string ReplyText { get; set; } = "category: billing";
    public int PromptTokens { get; set; } = 42;
    public int CompletionTokens { get; set; } = 7;

    public Uri BaseUri { get; private set; } = null!;

    /// <summary>OpenAI-style endpoint ("…/v1").</summary>
    public Uri OpenAIEndpoint => new(BaseUri, "v1");

    public IReadOnlyList<CapturedRequest> Requests => _requests.ToArray();

    /// <summary>Waits (bounded by <paramref name="ct"/>) until the next not yet awaited request has been received.</summary>
    public async Task<CapturedRequest> NextRequestAsync(CancellationToken ct) => await _arrivals.Reader.ReadAsync(ct);

    public void Enqueue(params StubReply[] replies)
    {
        foreach (var r in replies) _replies.Enqueue(r);
    }

    public static async Task<LoopbackLlmServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new LoopbackLlmServer(app);
        app.Map("/{**path}", server.HandleAsync);
        await app.StartAsync();
        server.BaseUri = new Uri(app.Urls.Single().TrimEnd('/') + "/");
        return server;
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        using var reader = new StreamReader(ctx.Request.Body);
        var raw = await reader.ReadToEndAsync(ctx.RequestAborted);
        var headers = ctx.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        var path = ctx.Request.Path.Value ?? "/";
        var captured = new CapturedRequest(ctx.Request.Method, path, headers, raw);
        _requests.Enqueue(captured);
        _arrivals.Writer.TryWrite(captured);

        var reply = _replies.TryDequeue(out var r) ? r : new StubReply();
        if (reply.Delay is { } delay)
        {
            try { await Task.Delay(delay, ctx.RequestAborted); }
            catch (OperationCanceledException) { return; }
        }

        var isAnthropic = path.EndsWith("/v1/messages", StringComparison.Ordinal);
        var isOpenAI = path.EndsWith("/chat/completions", StringComparison.Ordinal);
        if (!isAnthropic && !isOpenAI)
        {
            ctx.Response.StatusCode = 404;
            return;
        }

        ctx.Response.StatusCode = reply.Status;
        ctx.Response.ContentType = reply.ContentType;
        foreach (var (name, value) in reply.Headers ?? new Dictionary<string, string>()) ctx.Response.Headers[name] = value;
        var model = TryModel(raw) ?? "stub-model";
        var body = reply.Body ?? (reply.Status == 200
            ? (isAnthropic ? AnthropicSuccess(model, reply.Text ?? ReplyText) : OpenAISuccess(model, reply.Text ?? ReplyText))
            : (isAnthropic ? AnthropicError(reply.Status) : OpenAIError(reply.Status)));
        await ctx.Response.WriteAsync(body, ctx.RequestAborted);
    }

    private static string? TryModel(string raw)
    {
        try { return JsonNode.Parse(raw)?["model"]?.GetValue<string>(); }
        catch (System.Text.Json.JsonException) { return null; }
    }

    private string OpenAISuccess(string model, string text) => new JsonObject
    {
        ["id"] = "chatcmpl-stub-1",
        ["object"] = "chat.completion",
        ["created"] = 1_700_000_000,
        ["model"] = model,
        ["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = text },
            ["finish_reason"] = "stop",
        }),
        ["usage"] = new JsonObject
        {
            ["prompt_tokens"] = PromptTokens,
            ["completion_tokens"] = CompletionTokens,
            ["total_tokens"] = PromptTokens + CompletionTokens,
        },
    }.ToJsonString();

    private string AnthropicSuccess(string model, string text) => new JsonObject
    {
        ["id"] = "msg_stub_1",
        ["type"] = "message",
        ["role"] = "assistant",
        ["model"] = model,
        ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = text }),
        ["stop_reason"] = "end_turn",
        ["stop_sequence"] = null,
        ["usage"] = new JsonObject { ["input_tokens"] = PromptTokens, ["output_tokens"] = CompletionTokens },
    }.ToJsonString();

    private static string OpenAIError(int status) => new JsonObject
    {
        ["error"] = new JsonObject { ["message"] = $"stub error {status}", ["type"] = status >= 500 ? "server_error" : "invalid_request_error", ["code"] = null },
    }.ToJsonString();

    private static string AnthropicError(int status) => new JsonObject
    {
        ["type"] = "error",
        ["error"] = new JsonObject
        {
            ["type"] = status switch { 401 => "authentication_error", 429 => "rate_limit_error", 400 => "invalid_request_error", _ => "api_error" },
            ["message"] = $"stub error {status}",
        },
    }.ToJsonString();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
