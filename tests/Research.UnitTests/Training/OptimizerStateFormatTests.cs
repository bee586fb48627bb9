using Research.Training.Optimization;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Training;

/// <summary>
/// The reader of TorchSharp's binary Adam/AdamW state, which checks a checkpoint's optimizer state before any optimizer
/// exists: it decodes what TorchSharp writes, and refuses a truncated, over-long, mistyped or non-finite state with its offset.
/// </summary>
public class OptimizerStateFormatTests
{
    // The state of a fresh optimizer of this type over a 3→4→2 MLP, after one step.
    private static byte[] State(string type)
    {
        manual_seed(0);
        using var net = nn.Sequential(("0", nn.Linear(3, 4)), ("1", nn.Linear(4, 2)));
        var o = new Research.Core.Experiments.OptimizerOptions { Type = type, Lr = 1e-3 };
        using var opt = OptimizerFactory.Create(net, o);
        using (var x = randn(5, 3))
        using (var loss = net.call(x).square().sum())
            loss.backward();
        opt.step();
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true)) opt.save_state_dict(w);
        return ms.ToArray();
    }

    [TestCase("adam", "Adam")]
    [TestCase("adamw", "AdamW")]
    public void Decode_WhatTorchSharpWrites_GivesTypeAndEveryParameterShapeInOrder(string type, string name)
    {
        var info = OptimizerStateFormat.Decode(State(type));
        Assert.That(info.Type, Is.EqualTo(name));
        Assert.That(info.Groups, Is.EqualTo(1));
        Assert.That(info.States.Select(s => s.ShapeText), Is.EqualTo(new[] { "4, 3", "4", "2, 4", "2" }));
        Assert.That(info.States.Select(s => s.Step), Is.All.EqualTo(1L));
        Assert.That(info.States.Select(s => s.Dtype), Is.All.EqualTo(ScalarType.Float32));
    }

    // A checkpoint (format 2) stores the decoded pieces as tensors and rebuilds TorchSharp's bytes with Encode for load_state_dict.
    [TestCase("adam")]
    [TestCase("adamw")]
    public void Encode_OfTheDecodedPieces_GivesBackTorchSharpsExactBytes(string type)
    {
        var state = State(type);
        var info = OptimizerStateFormat.Decode(state);
        Assert.That(info.Options.Single().Lr, Is.EqualTo(1e-3));
        var parameters = info.States.Select(p => (p.Step, p.Dtype, p.Shape, (IReadOnlyList<byte[]>)p.Moments
            .Select(m => state[m.At..(m.At + (int)(p.Shape.Aggregate(1L, (a, b) => a * b) * 4))]).ToList())).ToList();
        Assert.That(OptimizerStateFormat.Encode(info.Type, info.Options, parameters), Is.EqualTo(state));
    }

    [Test]
    public void Decode_TruncatedAtAnyByte_IsRefusedWithAnOffset()
    {
        var state = State("adam");
        for (int n = 0; n < state.Length; n += 7)
        {
            var e = Assert.Throws<InvalidDataException>(() => OptimizerStateFormat.Decode(state.AsSpan(0, n)), $"{n} bytes")!;
            Assert.That(e.Message, Does.Match(@"^byte \d+: "), $"{n} bytes");
        }
    }

    [Test]
    public void Decode_TrailingBytes_AreRefused()
    {
        var state = State("adam");
        var e = Assert.Throws<InvalidDataException>(() => OptimizerStateFormat.Decode([.. state, 0, 0]))!;
        Assert.That(e.Message, Is.EqualTo($"byte {state.Length}: 2 bytes follow the last parameter's state"));
    }

    [Test]
    public void Decode_AnotherOptimizerType_IsRefused()
    {
        var state = State("adam");
        state[1] = (byte)'X';                                     // "Adam" → "Xdam"
        Assert.That(() => OptimizerStateFormat.Decode(state), Throws.TypeOf<InvalidDataException>().With.Message.Contains("'Xdam'"));
    }

    [Test]
    public void Decode_NaNMoment_IsRefusedAtItsByte()
    {
        var state = State("adam");
        int last = state.Length - 1 - 4;                          // before the flag byte: the last float of exp_avg_sq
        BitConverter.GetBytes(float.NaN).CopyTo(state, last);
        var e = Assert.Throws<InvalidDataException>(() => OptimizerStateFormat.Decode(state))!;
        Assert.That(e.Message, Does.StartWith($"byte {last}: exp_avg_sq of parameter 3 holds NaN at element 1"));
    }
}
