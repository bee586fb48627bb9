using System.Globalization;
using System.Text.Json;
using Research.Core.Experiments;
using Research.Core.IO;
using Research.Core.Sampling;
using Serilog;
using static TorchSharp.torch;

namespace Research.Training.Experiments;

/// <summary>
/// A run folder's <c>samples/&lt;label&gt;.partial.safetensors</c>: the finished chunks of an evaluation draw that has not
/// ended (<see cref="ChunkedDraw"/>). A long draw (DDPM with 1000 ancestral steps: hours here) stopped at a session's end
/// continues from its last chunk when the run resumes. The file names what it was drawn for (the request, the seed, the
/// model's step); a file for anything else is ignored and replaced. The evaluator deletes it once the samples are written.
/// </summary>
public sealed class PartialSamplesFile : ISampleChunkStore
{
    private const string KeyField = "draw", ChunksField = "chunks_done", ElapsedField = "elapsed_ms";
    private readonly string _key;
    private readonly ILogger? _log;

    /// <summary>The store of one request's draw.</summary>
    /// <param name="samplesFolder">The run's <c>samples</c> folder.</param>
    /// <param name="slug">The request's file-name label.</param>
    /// <param name="spec">The request (every field is part of what the chunks were drawn for).</param>
    /// <param name="seed">The sampling seed.</param>
    /// <param name="step">The training step of the weights sampled.</param>
    /// <param name="log">Where a discarded file is reported.</param>
    public PartialSamplesFile(string samplesFolder, string slug, SamplingOptions spec, long seed, long step, ILogger? log = null)
    {
        Path = System.IO.Path.Combine(samplesFolder, slug + ".partial.safetensors");
        _key = $"{JsonSerializer.Serialize(spec)}|seed={seed}|step={step}";
        _log = log;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public double ElapsedBeforeResume { get; set; }

    /// <inheritdoc />
    public SavedChunks? Load()
    {
        if (!File.Exists(Path)) return null;
        Dictionary<string, TorchSharp.torch.Tensor> tensors;
        Dictionary<string, string> meta;
        try
        {
            (tensors, meta) = SafeTensors.Read(Path);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or FormatException)
        {
            _log?.Warning("ignoring unreadable partial samples {Path}: {Message}", Path, e.Message);
            return null;
        }
        if (meta.GetValueOrDefault(KeyField) != _key || !tensors.ContainsKey("samples") || !tensors.ContainsKey("generator_state")
            || !int.TryParse(meta.GetValueOrDefault(ChunksField), NumberStyles.None, CultureInfo.InvariantCulture, out int chunks)
            || !double.TryParse(meta.GetValueOrDefault(ElapsedField), NumberStyles.Float, CultureInfo.InvariantCulture, out double ms))
        {
            foreach (var t in tensors.Values) t.Dispose();
            _log?.Warning("ignoring partial samples {Path}: drawn for another request, seed or checkpoint", Path);
            return null;
        }
        _log?.Information("continuing the draw from {Path}: {Chunks} chunk(s) already drawn", Path, chunks);
        return new SavedChunks(chunks, tensors["samples"], tensors["generator_state"], ms);
    }

    /// <inheritdoc />
    public void Save(SavedChunks progress)
    {
        using var samples = progress.Samples.cpu();
        AtomicFile.Write(Path, stream => SafeTensors.Write(stream, [new("samples", samples), new("generator_state", progress.GeneratorState)],
            new Dictionary<string, string>
            {
                [KeyField] = _key,
                [ChunksField] = progress.ChunksDone.ToString(CultureInfo.InvariantCulture),
                [ElapsedField] = progress.ElapsedMs.ToString("R", CultureInfo.InvariantCulture),
            }));
    }

    /// <summary>Removes the file (the draw has ended and its samples are written).</summary>
    public void Delete()
    {
        if (File.Exists(Path)) File.Delete(Path);
    }
}
