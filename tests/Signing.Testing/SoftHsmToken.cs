using System.Text;
using Signing.Pkcs11;

namespace Signing.Testing;

/// <summary>
/// A throw-away SoftHSM2 token for tests: a temp directory with its own softhsm2.conf and
/// token store, one token initialised through Signing.Pkcs11 with the given label and PINs,
/// removed again on Dispose. Depends only on Signing.Pkcs11 and the BCL, so other test
/// projects can link this file.
/// <para>
/// SOFTHSM2_CONF is process-wide and SoftHSM2 reads it in C_Initialize, so only one instance
/// may live at a time: share it through an xunit collection fixture. The constructor sets
/// the variable and then (re)initialises the module so it reads this configuration.
/// </para>
/// </summary>
public sealed class SoftHsmToken : IDisposable
{
    /// <summary>Where Debian's softhsm2 package puts the module.</summary>
    public const string DefaultModulePath = "/usr/lib/softhsm/libsofthsm2.so";

    private static readonly Lock ActiveLock = new();
    private static SoftHsmToken? active;
    private bool _disposed;

    /// <summary>A token labelled "test" with user PIN 1234 and SO PIN 12345678.</summary>
    public SoftHsmToken()
        : this("test", "1234", "12345678")
    {
    }

    // xunit wants a single public constructor on a fixture; other labels and PINs go through Create.
    private SoftHsmToken(string label, string userPin, string soPin)
    {
        ModulePath = Environment.GetEnvironmentVariable("SIGNING_PKCS11_MODULE") is { Length: > 0 } configured ? configured : DefaultModulePath;
        if (!File.Exists(ModulePath))
        {
            throw new InvalidOperationException(
                $"SoftHSM2 module not found at {ModulePath}: install the Debian package 'softhsm2' (test.sh installs it).");
        }

        lock (ActiveLock)
        {
            if (active is not null)
            {
                throw new InvalidOperationException(
                    "Another SoftHsmToken is alive in this process. SOFTHSM2_CONF is process-wide: share one instance " +
                    "through an xunit [Collection] fixture instead of creating several.");
            }

            active = this;
        }

        try
        {
            Directory = System.IO.Directory.CreateTempSubdirectory("softhsm-test-").FullName;
            TokenStore = Path.Combine(Directory, "tokens");
            System.IO.Directory.CreateDirectory(TokenStore);
            ConfPath = Path.Combine(Directory, "softhsm2.conf");
            File.WriteAllText(ConfPath, new StringBuilder()
                .AppendLine($"directories.tokendir = {TokenStore}")
                .AppendLine("objectstore.backend = file")
                .AppendLine("log.level = ERROR")
                .AppendLine("slots.removable = false")
                .ToString());
            SetProcessEnvironment("SOFTHSM2_CONF", ConfPath);

            Module = Pkcs11Module.Load(ModulePath);
            // If this process loaded the module before (an earlier fixture, or a caller still
            // holding a reference), it read another configuration: make it read ours.
            Module.Reinitialize();

            TokenLabel = label;
            UserPin = userPin;
            SoPin = soPin;
            TokenDirectory = InitializeToken(label, userPin, soPin);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>A token with the given label and PINs.</summary>
    public static SoftHsmToken Create(string label, string userPin, string soPin) => new(label, userPin, soPin);

    /// <summary>The PKCS#11 module path.</summary>
    public string ModulePath { get; }

    /// <summary>The softhsm2.conf this fixture wrote; SOFTHSM2_CONF points at it.</summary>
    public string ConfPath { get; } = "";

    /// <summary>The temp directory holding everything.</summary>
    public string Directory { get; } = "";

    /// <summary>The token store (directories.tokendir).</summary>
    public string TokenStore { get; } = "";

    /// <summary>The main token's own directory inside <see cref="TokenStore"/>.</summary>
    public string TokenDirectory { get; } = "";

    /// <summary>The main token's label.</summary>
    public string TokenLabel { get; } = "";

    /// <summary>The main token's user PIN.</summary>
    public string UserPin { get; } = "";

    /// <summary>The main token's SO PIN.</summary>
    public string SoPin { get; } = "";

    /// <summary>The module, loaded and initialised with this configuration.</summary>
    public Pkcs11Module Module { get; } = null!;

    /// <summary>Environment variables a child process (pkcs11-tool, our CLI) needs to see the same tokens.</summary>
    public IReadOnlyDictionary<string, string> ChildEnvironment => new Dictionary<string, string>
    {
        ["SOFTHSM2_CONF"] = ConfPath,
        ["SIGNING_PKCS11_MODULE"] = ModulePath,
    };

    // Environment.SetEnvironmentVariable only changes .NET's copy of the environment on Unix;
    // SoftHSM2 calls getenv() in C_Initialize, so the C library's environment must change too.
    // Without this the tests would write to the system token store /var/lib/softhsm/tokens.
    private static void SetProcessEnvironment(string name, string? value)
    {
        Environment.SetEnvironmentVariable(name, value);
        var rc = value is null ? NativeEnvironment.unsetenv(name) : NativeEnvironment.setenv(name, value, 1);
        if (rc != 0)
        {
            throw new InvalidOperationException($"setenv/unsetenv({name}) failed in the C library.");
        }
    }

    /// <summary>Initialises one more token in SoftHSM2's free slot; returns its directory in the store.</summary>
    public string InitializeToken(string label, string userPin, string soPin)
    {
        var before = System.IO.Directory.GetDirectories(TokenStore).ToHashSet(StringComparer.Ordinal);
        var freeSlot = Module.GetSlots(tokenPresentOnly: true).FirstOrDefault(s => s.Token is { IsInitialized: false })
            ?? throw new InvalidOperationException("SoftHSM2 offers no free slot to initialise a token in.");
        Module.InitializeToken(freeSlot.SlotId, soPin, label, userPin);
        var created = System.IO.Directory.GetDirectories(TokenStore).Where(d => !before.Contains(d)).ToList();
        return created.Count == 1
            ? created[0]
            : throw new InvalidOperationException($"Expected one new token directory in {TokenStore}, found {created.Count}.");
    }

    /// <summary>Releases the module reference, deletes the temp directory and unsets SOFTHSM2_CONF.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Module?.Dispose();
        if (Directory.Length > 0 && System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }

        SetProcessEnvironment("SOFTHSM2_CONF", null);
        lock (ActiveLock)
        {
            if (active == this)
            {
                active = null;
            }
        }
    }
}

internal static class NativeEnvironment
{
    [System.Runtime.InteropServices.DllImport("libc", CharSet = System.Runtime.InteropServices.CharSet.Ansi)]
    internal static extern int setenv(string name, string value, int overwrite);

    [System.Runtime.InteropServices.DllImport("libc", CharSet = System.Runtime.InteropServices.CharSet.Ansi)]
    internal static extern int unsetenv(string name);
}
