namespace Research.Data.Fetch;

/// <summary>A dataset could not be fetched (no source reachable, npm missing, …); the message says what to do instead.</summary>
public sealed class DataFetchException(string message) : Exception(message);
