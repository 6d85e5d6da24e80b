using System.Net;
using System.Net.Sockets;
using LogiLlm.Tests.Shared;
using StackExchange.Redis;

namespace LogiLlm.Trainer.Tests;

/// <summary>The shared way of running redis-server for tests: no race on the port it is given.</summary>
public sealed class RedisServerProcessTests
{
    [Fact]
    public async Task A_started_server_answers_on_its_port()
    {
        using var server = RedisServerProcess.Start();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);

        Assert.Equal("PONG", (string?)await redis.GetDatabase().ExecuteAsync("PING"));
    }

    [Fact]
    public void A_server_whose_port_another_process_holds_reports_the_address_in_use()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;

        var e = Assert.Throws<AddressInUseException>(() => RedisServerProcess.StartOn(port));

        Assert.Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message);
    }

    [Fact]
    public void A_start_that_finds_its_port_taken_is_repeated_on_a_new_port()
    {
        var tried = new List<int>();

        var result = LoopbackPort.Start(port =>
        {
            tried.Add(port);
            return tried.Count < 3 ? throw new AddressInUseException($"port {port} taken") : port;
        });

        Assert.Equal(3, tried.Count);
        Assert.Equal(tried[^1], result);
    }

    [Fact]
    public void A_start_that_keeps_finding_its_port_taken_gives_up_with_the_cause() =>
        Assert.Throws<AddressInUseException>(() => LoopbackPort.Start<int>(port => throw new AddressInUseException($"port {port} taken")));
}
