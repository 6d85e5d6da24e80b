using Garnet;

// An embedded Redis-compatible server (Microsoft Garnet) for machines with neither a container runtime
// nor redis-server. The AppHost allocates the port and passes it through GARNET_PORT.
var port = Environment.GetEnvironmentVariable("GARNET_PORT") ?? "6379";
var bind = Environment.GetEnvironmentVariable("GARNET_BIND") ?? "127.0.0.1";
string[] garnetArgs = ["--port", port, "--bind", bind, "--lua", "true", .. args];

using var server = new GarnetServer(garnetArgs);
server.Start();
Console.WriteLine($"Garnet listening on {bind}:{port}");

using var stop = new ManualResetEventSlim();
using var onSigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
    System.Runtime.InteropServices.PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Set(); });
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Set(); };
stop.Wait();
Console.WriteLine("Garnet stopping");
