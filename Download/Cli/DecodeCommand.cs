using System.Text;
using MeTorrent.Bencode;

namespace MeTorrent.Download.Cli;

/// <summary>`decode &lt;bencoded-string&gt;`: prints the value as JSON (course stage 1–4).</summary>
public sealed class DecodeCommand : ICommand
{
    public string Name => "decode";
    public string Summary => "print a bencoded value as JSON";
    public string Help => """
        Usage: metorrent decode <bencoded-string>

        Decodes one bencoded value and prints it as JSON, e.g.
          metorrent decode d3:foo3:bar5:helloi52ee   ->   {"foo":"bar","hello":52}
        Byte strings are shown as UTF-8 text. Quote the argument if it holds spaces:
          metorrent decode "11:hello world"   ->   "hello world"
        """;

    public Task<int> RunAsync(CommandLine args, TextWriter output, CancellationToken cancellation)
    {
        args.ExpectPositionals(1, 1, "one bencoded string, e.g. metorrent decode 5:hello");
        BValue value;
        try
        {
            value = BencodeDecoder.Decode(Encoding.UTF8.GetBytes(args.Positionals[0]));
        }
        catch (BencodeException e)
        {
            throw new UserError(e.Message);
        }
        output.WriteLine(BencodeJson.ToJson(value));
        return Task.FromResult(0);
    }
}
