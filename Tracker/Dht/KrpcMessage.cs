using MeTorrent.Bencode;

namespace MeTorrent.Tracker.Dht;

public enum KrpcKind { Query, Response, Error }

/// <summary>
/// One KRPC message (BEP 5): a bencoded dictionary with a transaction id "t", a kind "y" (q, r or e) and
/// then, for a query, the method "q" and its arguments "a"; for a response the values "r"; for an error
/// a list "e" of a code and a message. Every query and every response carries the sender's node id.
/// </summary>
public sealed class KrpcMessage
{
    public required KrpcKind Kind { get; init; }

    /// <summary>Chosen by the querying node and echoed in the answer; we send 2 bytes.</summary>
    public required ReadOnlyMemory<byte> TransactionId { get; init; }

    /// <summary>The query's method name ("ping", "find_node", "get_peers", "announce_peer"); null otherwise.</summary>
    public string? Method { get; init; }

    /// <summary>A query's arguments or a response's values; empty for an error.</summary>
    public BDictionary Body { get; init; } = [];

    public int ErrorCode { get; init; }
    public string ErrorText { get; init; } = "";

    public static KrpcMessage Query(ReadOnlyMemory<byte> transactionId, string method, BDictionary arguments) =>
        new() { Kind = KrpcKind.Query, TransactionId = transactionId, Method = method, Body = arguments };

    public static KrpcMessage Response(ReadOnlyMemory<byte> transactionId, BDictionary values) =>
        new() { Kind = KrpcKind.Response, TransactionId = transactionId, Body = values };

    public static KrpcMessage Error(ReadOnlyMemory<byte> transactionId, int code, string text) =>
        new() { Kind = KrpcKind.Error, TransactionId = transactionId, ErrorCode = code, ErrorText = text };

    public override string ToString() => Kind switch
    {
        KrpcKind.Query => $"query {Method}",
        KrpcKind.Response => "response",
        _ => $"error {ErrorCode} {ErrorText}",
    };
}

/// <summary>The error codes of BEP 5.</summary>
public static class KrpcErrorCode
{
    public const int Generic = 201;
    public const int Server = 202;
    public const int Protocol = 203; // a malformed packet, an invalid argument or a bad token
    public const int MethodUnknown = 204;
}
