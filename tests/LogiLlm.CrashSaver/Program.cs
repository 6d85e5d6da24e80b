// Child process for tests that need a second process:
//   save-loop <path> <demos>           saves a module to <path> forever, printing "saved N" after each save (killed by the test)
//   publish <root> <name> <count> <tag> publishes <count> versions to a FileSystemModuleStore, printing "version N" for each
using System.Globalization;
using LogiLlm;
using LogiLlm.Demos;
using LogiLlm.Persistence;
using LogiLlm.Registry;

var inv = CultureInfo.InvariantCulture;
switch (args.FirstOrDefault())
{
    case "save-loop" when args.Length == 3:
    {
        var module = new Predict("email: str, tags: list[str] -> category: str, confidence: float");
        var demos = int.Parse(args[2], inv);
        for (var i = 0; i < demos; i++)
        {
            module.DemoManager.Add(Demo.Create(
                new { email = $"message {i} " + new string('x', 200), tags = new[] { "a", "b" } },
                new { category = $"label {i % 7}", confidence = i / (double)demos }));
        }

        for (var n = 0L; ; n++)
        {
            module.Metadata["save"] = n;
            ModuleSaver.SaveModule(module, args[1]);
            Console.Out.WriteLine($"saved {n}");
            Console.Out.Flush();
        }
    }

    case "publish" when args.Length == 5:
    {
        var store = new FileSystemModuleStore(args[1]);
        var count = int.Parse(args[3], inv);
        for (var i = 0; i < count; i++)
        {
            var info = await store.PublishAsync(args[2], $"{{\"writer\":\"{args[4]}\",\"n\":{i}}}");
            Console.Out.WriteLine($"version {info.Version.ToString(inv)}");
        }

        return 0;
    }

    default:
        Console.Error.WriteLine("usage: save-loop <path> <demos> | publish <root> <name> <count> <tag>");
        return 2;
}
