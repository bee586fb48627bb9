using System.Diagnostics;
using Research.Core.Parameterizations;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Core.Sampling;

/// <summary>
/// The one chunk loop of every sampler: <c>request.NumSamples</c> samples drawn in chunks of <c>request.BatchSize</c>, all
/// randomness from <c>request.Generator</c> in chunk order. With <see cref="SampleRequest.Chunks"/> finished chunks are
/// saved with the generator's state after them (every chunk when chunks are slow to draw, see
/// <see cref="ISampleChunkStore.SaveCostFactor"/>), so a draw stopped at any point (Ctrl-C, SIGTERM at a session's end, a
/// crash) continues from its last finished chunk and returns the same bits as a draw never stopped.
/// </summary>
public static class ChunkedDraw
{
    /// <summary>Draws the request.</summary>
    /// <param name="request">The sampling-time choices (count, chunk size, generator, store).</param>
    /// <param name="stepsPerChunk">Reverse steps of one chunk (for the progress total).</param>
    /// <param name="drawChunk">Draws one chunk: (first sample index, chunk size, reverse steps done before it, reverse steps in
    /// all) → <c>[n, ...]</c> (caller owns); it reports its steps through <see cref="SampleRequest.BetweenSteps"/>.</param>
    /// <returns><c>[N, ...]</c>, float32 (caller owns).</returns>
    /// <exception cref="InvalidDataException">The store holds chunks that do not fit this request.</exception>
    public static Tensor Run(SampleRequest request, int stepsPerChunk, Func<int, int, long, long, Tensor> drawChunk)
    {
        int numChunks = (request.NumSamples + request.BatchSize - 1) / request.BatchSize;
        long total = (long)stepsPerChunk * numChunks;
        var chunks = new List<Tensor>();
        try
        {
            double elapsedBefore = 0;
            int chunksDone = 0;
            if (request.Chunks?.Load() is { } saved)
            {
                using (saved)
                {
                    using var current = request.Generator.get_state();
                    if (saved.ChunksDone < 1 || saved.ChunksDone >= numChunks || saved.Samples.shape[0] != (long)saved.ChunksDone * request.BatchSize)
                        throw new InvalidDataException(
                            $"saved sampling progress holds {saved.Samples.shape[0]} samples in {saved.ChunksDone} chunk(s), which do not fit " +
                            $"{request.NumSamples} samples in chunks of {request.BatchSize}");
                    // set_state with a state of another size aborts the process in native code.
                    if (saved.GeneratorState.NumberOfElements * saved.GeneratorState.ElementSize != current.NumberOfElements * current.ElementSize)
                        throw new InvalidDataException("saved sampling progress holds a generator state of another device or size");
                    request.Generator.set_state(saved.GeneratorState);
                    chunks.Add(saved.Samples.alias());
                    chunksDone = saved.ChunksDone;
                    elapsedBefore = saved.ElapsedMs;
                }
            }
            var clock = Stopwatch.StartNew();
            var sinceSave = Stopwatch.StartNew();
            double lastSaveMs = 0;   // the first finished chunk is always saved
            for (int k = chunksDone; k < numChunks; k++)
            {
                int start = k * request.BatchSize, n = Math.Min(request.BatchSize, request.NumSamples - start);
                var chunk = drawChunk(start, n, (long)k * stepsPerChunk, total);
                if (chunks.Count > 0 && chunks[0].device != chunk.device)   // loaded on the CPU, drawn on an accelerator
                {
                    var moved = chunks[0].to(chunk.device);
                    chunks[0].Dispose();
                    chunks[0] = moved;
                }
                chunks.Add(chunk);
                // Saving rewrites every chunk so far: skipped while the draw since the last save is short against what that
                // save cost (a 26,000-sample GAN row of 1-second chunks is saved every few seconds, not at every chunk).
                if (request.Chunks is { } store && k + 1 < numChunks && sinceSave.Elapsed.TotalMilliseconds >= store.SaveCostFactor * lastSaveMs)
                {
                    var saving = Stopwatch.StartNew();
                    using var progress = new SavedChunks(k + 1, cat(chunks, 0), request.Generator.get_state(), elapsedBefore + clock.Elapsed.TotalMilliseconds);
                    store.Save(progress);
                    lastSaveMs = saving.Elapsed.TotalMilliseconds;
                    sinceSave.Restart();
                }
            }
            request.Progress?.Invoke(total, total);
            if (request.Chunks is { } done) done.ElapsedBeforeResume = elapsedBefore;
            return chunks.Count == 1 ? chunks[0].alias() : cat(chunks, 0);
        }
        finally
        {
            foreach (var c in chunks) c.Dispose();
        }
    }
}

/// <summary>
/// Where a draw keeps its finished chunks (<see cref="ChunkedDraw"/>): a run folder's partial-samples file in the
/// evaluator, memory in tests.
/// </summary>
public interface ISampleChunkStore
{
    /// <summary>The chunks saved for this draw, or null to start from the first (caller owns).</summary>
    SavedChunks? Load();

    /// <summary>Keeps <paramref name="progress"/> in place of anything saved before (does not take ownership).</summary>
    void Save(SavedChunks progress);

    /// <summary>Milliseconds the chunks loaded at the start had cost when drawn (0 when none); set when the draw ends.</summary>
    double ElapsedBeforeResume { get; set; }

    /// <summary>
    /// After the first save, a finished chunk is saved only once the draw since the last save took at least this many
    /// times what that save took, so saving costs at most about 1/factor of the draw; 0 saves every chunk.
    /// </summary>
    double SaveCostFactor => 10;
}

/// <summary>A draw's finished chunks.</summary>
/// <param name="ChunksDone">How many chunks <paramref name="Samples"/> holds.</param>
/// <param name="Samples">Their samples in draw order, <c>[k·B, ...]</c>, float32.</param>
/// <param name="GeneratorState">The sampling generator's state after the last of them (uint8).</param>
/// <param name="ElapsedMs">Milliseconds spent drawing them.</param>
public sealed record SavedChunks(int ChunksDone, Tensor Samples, Tensor GeneratorState, double ElapsedMs) : IDisposable
{
    /// <inheritdoc />
    public void Dispose()
    {
        Samples.Dispose();
        GeneratorState.Dispose();
    }
}
