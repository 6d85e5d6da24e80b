using System.CommandLine;
using System.Text.Json.Nodes;
using LogiLlm.Persistence;
using Spectre.Console;

namespace LogiLlm.Cli.Commands;

/// <summary>
/// <c>logillm sign</c>, <c>verify</c>, <c>encrypt</c> and <c>decrypt</c> over the persistence options
/// (<see cref="SaveOptions.SigningKey"/>, <see cref="SaveOptions.Password"/>, <see cref="LoadOptions.TrustedSigningKeys"/>).
/// Keys and passwords come from a file or an environment variable, never from an argument that lands in shell history.
/// </summary>
public static class SecurityCommands
{
    /// <summary>Environment variable holding a signing key: a shared secret (base64 or text of 32+ bytes) or an ECDSA P-256 PEM.</summary>
    public const string SigningKeyVariable = "LOGILLM_SIGNING_KEY";

    /// <summary>Environment variable holding the password of encrypted module files.</summary>
    public const string PasswordVariable = "LOGILLM_MODULE_PASSWORD";

    /// <summary>Creates <c>sign</c>.</summary>
    public static Command CreateSign(CliEnvironment environment, GlobalOptions globals)
    {
        var (model, output, keyFile, keyId) = (ModelArgument(), OutOption(), KeyFileOption(), KeyIdOption());
        var command = new Command("sign", $"Sign a module file (HMAC-SHA256 shared secret or ECDSA P-256 private key, from --key-file or ${SigningKeyVariable}).") { model, output, keyFile, keyId };
        command.SetAction(parse =>
        {
            var ctx = new CommandContext(parse, environment, globals, CancellationToken.None);
            var key = ReadKey(ctx, parse.GetValue(keyFile), parse.GetValue(keyId));
            if (!key.CanSign)
            {
                throw CliException.BadInput($"{key} is a public key: it verifies but cannot sign; give the private key.");
            }

            var loaded = ModuleFiles.Load(ctx, parse.GetValue(model));
            var target = Target(loaded, parse.GetValue(output));
            ModuleSaver.SaveModule(loaded.Module, target, SameForm(loaded.Report, ctx, signingKey: key));
            ctx.Note($"Signed [green]{Markup.Escape(target)}[/] with {Markup.Escape(key.ToString())}.");
            ctx.WriteJson(new JsonObject { ["out"] = target, ["algorithm"] = key.Algorithm, ["keyId"] = key.KeyId });
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Creates <c>verify</c>: exit 0 when the file is signed by the key and unchanged, 1 when it is not.</summary>
    public static Command CreateVerify(CliEnvironment environment, GlobalOptions globals)
    {
        var (model, keyFile, keyId) = (ModelArgument(), KeyFileOption(), KeyIdOption());
        var command = new Command("verify", "Check that a module file is signed by the given key and unchanged since (exit code 1 when it is not).") { model, keyFile, keyId };
        command.SetAction(parse =>
        {
            var ctx = new CommandContext(parse, environment, globals, CancellationToken.None);
            var key = ReadKey(ctx, parse.GetValue(keyFile), parse.GetValue(keyId));
            // A file that does not load at all is bad input (2); one that loads but fails the signature check is a failure (1).
            var path = CommandContext.ExistingFile(parse.GetValue(model), "module file");
            ModuleLoader.LoadWithReport(path, new LoadOptions { Password = Password(ctx) });
            LoadResult verified;
            try
            {
                verified = ModuleLoader.LoadWithReport(path, new LoadOptions { TrustedSigningKeys = [key], RequireSignature = true, Password = Password(ctx) });
            }
            catch (PersistenceException e)
            {
                throw CliException.Failed($"not verified: {e.Message}");
            }

            ctx.Note($"[green]verified[/]: {Markup.Escape(path)} is signed by {Markup.Escape(verified.Report.SigningKeyId ?? key.KeyId)} and unchanged.");
            ctx.WriteJson(new JsonObject { ["path"] = path, ["verified"] = true, ["keyId"] = verified.Report.SigningKeyId });
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Creates <c>encrypt</c>.</summary>
    public static Command CreateEncrypt(CliEnvironment environment, GlobalOptions globals)
    {
        var (model, output) = (ModelArgument(), OutOption());
        var command = new Command("encrypt", $"Encrypt a module file with the password in ${PasswordVariable} (AES-256-GCM, PBKDF2-SHA256).") { model, output };
        command.SetAction(parse =>
        {
            var ctx = new CommandContext(parse, environment, globals, CancellationToken.None);
            var password = Password(ctx) ?? throw CliException.BadInput($"no password: set {PasswordVariable}.");
            var loaded = ModuleFiles.Load(ctx, parse.GetValue(model));
            var target = Target(loaded, parse.GetValue(output));
            WarnIfSealDropped(ctx, loaded.Report);
            ModuleSaver.SaveModule(loaded.Module, target, SameForm(loaded.Report, ctx, password: password));
            ctx.Note($"Encrypted [green]{Markup.Escape(target)}[/]; loading it needs the password.");
            ctx.WriteJson(new JsonObject { ["out"] = target, ["encrypted"] = true });
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Creates <c>decrypt</c>.</summary>
    public static Command CreateDecrypt(CliEnvironment environment, GlobalOptions globals)
    {
        var (model, output) = (ModelArgument(), OutOption());
        var command = new Command("decrypt", $"Write a plain copy of an encrypted module file (password from ${PasswordVariable}).") { model, output };
        command.SetAction(parse =>
        {
            var ctx = new CommandContext(parse, environment, globals, CancellationToken.None);
            if (Password(ctx) is null)
            {
                throw CliException.BadInput($"no password: set {PasswordVariable}.");
            }

            var loaded = ModuleFiles.Load(ctx, parse.GetValue(model));
            if (!loaded.Report.Encrypted)
            {
                throw CliException.BadInput($"'{parse.GetValue(model)}' is not encrypted.");
            }

            var target = Target(loaded, parse.GetValue(output));
            WarnIfSealDropped(ctx, loaded.Report);
            ModuleSaver.SaveModule(loaded.Module, target, new SaveOptions { Format = loaded.Report.Format, Compression = loaded.Report.Compression });
            ctx.Note($"Decrypted into [green]{Markup.Escape(target)}[/].");
            ctx.WriteJson(new JsonObject { ["out"] = target, ["encrypted"] = false });
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The password of encrypted files (environment only).</summary>
    internal static string? Password(CommandContext ctx) =>
        ctx.Environment.GetEnvironmentVariable(PasswordVariable) is { Length: > 0 } p ? p : null;

    private static Argument<string> ModelArgument() => new("MODEL") { Description = "The module file." };

    private static Option<string?> OutOption() => new("--out", "-o") { Description = "Where to write the result (default: in place, atomically)." };

    private static Option<string?> KeyFileOption() => new("--key-file") { Description = $"A file with the key: ECDSA P-256 PEM, or a shared secret (base64 or text of 32+ bytes). Default: ${SigningKeyVariable}." };

    private static Option<string?> KeyIdOption() => new("--key-id") { Description = "Id of the key written next to the signature (default: derived from the key)." };

    private static ModuleSigningKey ReadKey(CommandContext ctx, string? keyFile, string? keyId)
    {
        string text;
        if (keyFile is { Length: > 0 })
        {
            text = File.ReadAllText(CommandContext.ExistingFile(keyFile, "--key-file"));
        }
        else
        {
            text = ctx.Environment.GetEnvironmentVariable(SigningKeyVariable) ?? string.Empty;
            if (string.IsNullOrWhiteSpace(text))
            {
                throw CliException.BadInput($"no key: pass --key-file FILE or set {SigningKeyVariable}.");
            }
        }

        try
        {
            return text.Contains("-----BEGIN", StringComparison.Ordinal)
                ? ModuleSigningKey.FromEcdsaPem(text, keyId)
                : ModuleSigningKey.FromSecretText(text.Trim(), keyId);
        }
        catch (ArgumentException e)
        {
            throw CliException.BadInput($"the key is not usable: {e.Message.Split(" (Parameter", 2)[0]}");
        }
    }

    private static string Target(LoadResult loaded, string? output) =>
        output is { Length: > 0 } o ? Path.GetFullPath(o) : loaded.Report.FilePath ?? throw CliException.BadInput("--out is required here.");

    /// <summary>Re-saves in the file's own form (serialization, compression, encryption) with the given changes.</summary>
    private static SaveOptions SameForm(LoadReport report, CommandContext ctx, ModuleSigningKey? signingKey = null, string? password = null) => new()
    {
        Format = report.Format,
        Compression = report.Compression,
        SigningKey = signingKey,
        Password = password ?? (report.Encrypted ? Password(ctx) : null),
    };

    private static void WarnIfSealDropped(CommandContext ctx, LoadReport report)
    {
        if (report.Signature != SignatureStatus.Absent)
        {
            ctx.Status($"warning: the signature of key {report.SigningKeyId} is not carried over; sign the result again (logillm sign).");
        }
    }
}
