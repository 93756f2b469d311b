namespace MeTorrent.Tests.Support;

/// <summary>
/// Marks a test that talks to third-party software (opentracker, libtorrent, Transmission, aria2,
/// qBittorrent, mktorrent) run in a private network namespace: category "Interop".
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false)]
public sealed class InteropAttribute() : NUnit.Framework.CategoryAttribute("Interop");
