using Research.Core.Configuration;
using Research.Core.Experiments;
using Research.Data.Images;
using Research.Evaluation.Features;
using Research.Evaluation.Images;
using Research.Evaluation.Metrics;
using Research.Training.Loop;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Metrics;

/// <summary>
/// Image metrics in feature space with a tiny random CNN saved to (and loaded from) a temporary safetensors file, on a
/// small synthetic <see cref="ImageSet"/> (200 distinct grey 16×16 images: a bright square at one of 40 positions, with
/// varying brightness and background texture).
/// </summary>
[NonParallelizable]
public class ImageEvaluatorTests
{
    private string _dir = "";
    private string _weights = "";
    private ImageSet _set = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("image-eval-").FullName;
        manual_seed(5);
        using (var extractor = new CnnFeatureExtractor(new FeatureCnn(new FeatureCnnOptions { Width = 4, FeatureDim = 32 }), "synthetic"))
        {
            // He initialisation: TorchSharp's default (kaiming_uniform with a = √5) shrinks activations layer by layer,
            // leaving an untrained network's features nearly constant.
            using (no_grad())
                foreach (var (name, p) in extractor.Network.named_parameters())
                    if (name.EndsWith("weight", StringComparison.Ordinal)) nn.init.kaiming_normal_(p);
            _weights = Path.Combine(_dir, "cnn.safetensors");
            extractor.Save(_weights);
        }
        const int n = 200;
        var pixels = new byte[n * 16 * 16];
        for (int i = 0; i < n; i++)
            for (int y = 0; y < 16; y++)
                for (int x = 0; x < 16; x++)
                {
                    bool inside = Math.Abs(x - 3 - i % 10) < 3 && Math.Abs(y - 3 - i / 10 % 4 * 3) < 3;
                    pixels[(i * 16 + y) * 16 + x] = (byte)(inside ? 200 + i % 50 : 10 + (x * y + i) % 30);
                }
        using var t = tensor(pixels, [n, 1, 16, 16], ScalarType.Byte);
        _set = new ImageSet("synthetic", t, null, 0, flip: false);
    }

    [TearDown]
    public void TearDown()
    {
        _set.Dispose();
        Directory.Delete(_dir, true);
    }

    private ImageEvaluator Evaluator(int referenceImages = 1000, string cache = "cache") =>
        new(FeatureExtractorFactory.Load(new FeatureExtractorOptions { Type = "cnn", Path = _weights }), _set,
            new ImageEvaluationSettings("synthetic", "{}", referenceImages, BatchSize: 16, InceptionScore: true, Path.Combine(_dir, cache)));

    private Tensor RealImages()
    {
        using var floats = _set.Pixels.to_type(float32);
        using var scaled = floats / 127.5;
        return scaled - 1.0;                                                              // [200, 1, 16, 16] in [−1, 1]
    }

    [Test]
    public void Score_RealImagesAgainstThemselves_FidNearZeroPrecisionAndRecallOne()
    {
        using var evaluator = Evaluator();
        using var real = RealImages();

        var m = evaluator.Score(real, seed: 1);

        TestContext.Out.WriteLine($"FID {m.Fid:G4}, KID {m.Kid.Mean:G4} ± {m.Kid.Std:G4}, P {m.PrecisionRecall.Precision}, R {m.PrecisionRecall.Recall}, IS {m.InceptionScore}");
        Assert.That(evaluator.ReferenceCount, Is.EqualTo(200), "reference = the whole (smaller) set");
        Assert.That(m.Fid, Is.EqualTo(0).Within(1e-4));
        // Identical sets are not independent draws: the unbiased MMD² is then −2(mean k(x,x) − mean k(x,x'))/m, slightly below 0.
        Assert.That(m.Kid.Mean, Is.LessThanOrEqualTo(1e-9).And.GreaterThan(-0.05));
        Assert.That(m.PrecisionRecall.Precision, Is.EqualTo(1.0));
        Assert.That(m.PrecisionRecall.Recall, Is.EqualTo(1.0));
        Assert.That(m.KidSubsetSize, Is.EqualTo(200));
        Assert.That(m.InceptionScore, Is.Not.Null);
        var keys = m.ToMetrics();
        Assert.That(keys.Keys, Is.SupersetOf(new[] { MetricKeys.Fid, MetricKeys.Kid, MetricKeys.KidStd, MetricKeys.Precision, MetricKeys.Recall,
            MetricKeys.InceptionScore, MetricKeys.FeatureExtractor }));
        Assert.That(keys[MetricKeys.FeatureExtractor], Is.EqualTo("cnn-synthetic"));
    }

    [Test]
    public void Score_WithProgress_ReportsReferenceThenSampleFeaturesBatchByBatchAndTheSameMetrics()
    {
        using var real = RealImages();
        using var half = real.narrow(0, 0, 100);
        double plain;
        using (var quiet = Evaluator(cache: "quiet")) plain = quiet.Score(half, seed: 1).Fid;
        using var evaluator = Evaluator(cache: "told");
        var told = new List<(string What, long Done, long Total)>();
        evaluator.Progress = (what, done, total) => told.Add((what, done, total));

        var m = evaluator.Score(half, seed: 1);

        Assert.That(m.Fid, Is.EqualTo(plain), "the display changes nothing");
        var reference = told.Where(t => t.What == "reference features").ToList();
        var samples = told.Where(t => t.What == "sample features").ToList();
        Assert.That(told.Select(t => t.What).Distinct(), Is.EqualTo(new[] { "reference features", "sample features" }), "reference first");
        Assert.That(reference.Select(t => t.Done), Is.EqualTo(new long[] { 0, 16, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 200 }));
        Assert.That(reference.Select(t => t.Total).Distinct(), Is.EqualTo(new long[] { 200 }));
        Assert.That(samples.Select(t => t.Done), Is.EqualTo(new long[] { 0, 16, 32, 48, 64, 80, 96, 100 }));
        Assert.That(samples.Select(t => t.Total).Distinct(), Is.EqualTo(new long[] { 100 }));

        // A display may stop the work between batches (Ctrl-C).
        evaluator.Progress = (what, done, _) => { if (done >= 48) throw new OperationCanceledException(); };
        Assert.Throws<OperationCanceledException>(() => evaluator.Score(half, seed: 1));
    }

    [Test]
    public void Score_UniformNoise_FidFarAboveThatOfHalfTheRealImages()
    {
        using var evaluator = Evaluator();
        using var real = RealImages();
        using var half = real.narrow(0, 0, 100);
        using var g = new Generator(3);
        using var u = rand([200, 1, 16, 16], generator: g);
        using var noise = u * 2 - 1;

        var subset = evaluator.Score(half, seed: 1);
        var m = evaluator.Score(noise, seed: 1);

        TestContext.Out.WriteLine($"half the real images: FID {subset.Fid:G4}, P {subset.PrecisionRecall.Precision}; " +
                                  $"noise: FID {m.Fid:G4}, KID {m.Kid.Mean:G4}, P {m.PrecisionRecall.Precision}, R {m.PrecisionRecall.Recall}");
        Assert.That(subset.PrecisionRecall.Precision, Is.EqualTo(1.0));
        Assert.That(m.Fid, Is.GreaterThan(20 * subset.Fid));
        Assert.That(m.Fid, Is.GreaterThan(0.5));
        Assert.That(m.Kid.Mean, Is.GreaterThan(0));
        Assert.That(m.PrecisionRecall.Precision, Is.LessThan(0.5));
    }

    [Test]
    public void PrepareReference_SecondEvaluatorSameSettings_ReadsTheCache_OtherCountRecomputes()
    {
        using (var first = Evaluator(referenceImages: 30))
        {
            first.PrepareReference();
            Assert.That(first.ReferenceFromCache, Is.False);
            Assert.That(first.ReferenceCount, Is.EqualTo(30));
        }
        var files = Directory.GetFiles(Path.Combine(_dir, "cache")).Select(Path.GetFileName).Order().ToList();
        Assert.That(files, Has.Count.EqualTo(2));
        Assert.That(files, Has.One.EndsWith(".features.safetensors"));

        using var again = Evaluator(referenceImages: 30);
        using var real = RealImages();
        var cached = again.Score(real, seed: 1);
        Assert.That(again.ReferenceFromCache, Is.True);
        using var other = Evaluator(referenceImages: 20);
        other.PrepareReference();
        Assert.That(other.ReferenceFromCache, Is.False);
        Assert.That(cached.PrecisionRecall.RealCount, Is.EqualTo(30));
    }

    [Test]
    public void Score_ThreeSamples_Throws()
    {
        using var evaluator = Evaluator();
        using var few = zeros(3, 1, 16, 16);
        Assert.Throws<ArgumentException>(() => evaluator.Score(few, 0));
    }

    private static ExperimentOptions ImageOptions(string path) => new()
    {
        Data = new ComponentSpec { Type = "mnist", Options = new MnistOptions() },
        Evaluation = new EvaluationOptions { Features = new FeatureExtractorOptions { Type = "cnn", Path = path } },
    };

    private static readonly Dictionary<string, string> Sources = new() { [ImageScoring.PathKey] = "/x/experiment.json" };

    [Test]
    public void Create_MissingWeightsFile_ConfigExceptionNamingKeyAndFile()
    {
        var missing = Path.Combine(_dir, "no-such.safetensors");
        var ex = Assert.Throws<ConfigException>(() => ImageScoring.Create(ImageOptions(missing), _set, Sources));
        var error = ex!.Errors.Single();
        Assert.That((error.Source, error.Path), Is.EqualTo(("/x/experiment.json", "evaluation.features.path")));
        Assert.That(error.Message, Does.Contain(missing).And.Contain("no such file"));
    }

    [Test]
    public void Create_CorruptWeightsFile_ConfigExceptionNamingKeyAndFile()
    {
        var corrupt = Path.Combine(_dir, "corrupt.safetensors");
        File.WriteAllBytes(corrupt, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        var ex = Assert.Throws<ConfigException>(() => ImageScoring.Create(ImageOptions(corrupt), _set, Sources));
        Assert.That(ex!.Errors.Single().Path, Is.EqualTo("evaluation.features.path"));
        Assert.That(ex.Errors.Single().Message, Does.Contain(corrupt).And.Contain("not readable as 'cnn' extractor weights"));

        var inception = ImageOptions(_weights);
        inception.Evaluation.Features.Type = "inception";                   // a CNN file is not Inception's weights
        var ex2 = Assert.Throws<ConfigException>(() => ImageScoring.Create(inception, _set, Sources));
        Assert.That(ex2!.Errors.Single().Message, Does.Contain("weights do not fit"));
    }

    [Test]
    public void Create_GoodFile_EvaluatorOverTheData_NoneWithoutFeatures()
    {
        using var evaluator = ImageScoring.Create(ImageOptions(_weights), _set, Sources);
        Assert.That(evaluator!.Extractor.Name, Is.EqualTo("cnn-synthetic"));
        Assert.That(ImageScoring.Create(new ExperimentOptions(), _set, null), Is.Null);
    }

    [Test]
    public void Load_FeaturesOnTwoDData_ConfigExceptionNamingTheTypeAndSet()
    {
        // Found by validation now (the data's shape is known from its options), before any session exists.
        var ex = Assert.Throws<ConfigException>(() =>
            Contracts.TestExperiments.Tiny("ddpm-eps", 0, "evaluation.features.type=cnn", $"evaluation.features.path={_weights}"));
        var error = ex!.Errors.Single();
        Assert.That((error.Source, error.Path), Is.EqualTo(("--set", "evaluation.features.type")));
        Assert.That(error.Message, Does.Contain("only image data"));
    }

    private ImageSet TestSplit(int n)
    {
        using var first = _set.Pixels.narrow(0, 0, n);
        return new ImageSet("synthetic-test", first, null, 0, flip: false);
    }

    [Test]
    public void TestSplitReference_EveryImageOfTheSplit_NotReferenceImages()
    {
        var test = TestSplit(150);
        using var evaluator = new ImageEvaluator(FeatureExtractorFactory.Load(new FeatureExtractorOptions { Type = "cnn", Path = _weights }), _set,
            new ImageEvaluationSettings("synthetic", "{}", ReferenceImages: 20, BatchSize: 16, InceptionScore: false, Path.Combine(_dir, "cache")), test);
        using var real = RealImages();

        var m = evaluator.Score(real, seed: 1);

        Assert.That(evaluator.ReferenceCount, Is.EqualTo(150), "all of the test split, not reference_images = 20");
        Assert.That(m.PrecisionRecall.RealCount, Is.EqualTo(150));
        Assert.That(m.PrecisionRecall.Recall, Is.EqualTo(1.0), "the test images are among the samples");
    }

    [Test]
    public void Create_ReferenceSplitTest_UsesTheTestSplit_MissingSplitIsAConfigError()
    {
        var o = ImageOptions(_weights);
        o.Evaluation.ReferenceSplit = ReferenceSplit.Test;
        using (var evaluator = ImageScoring.Create(o, _set, Sources, () => TestSplit(120))!)
        {
            evaluator.PrepareReference();
            Assert.That(evaluator.ReferenceCount, Is.EqualTo(120));
            Assert.That(evaluator.ReferenceIdentity, Does.Contain("\"split\": \"test\""));
        }
        var ex = Assert.Throws<ConfigException>(() => ImageScoring.Create(o, _set, Sources, () => null));
        Assert.That(ex!.Errors.Single().Path, Is.EqualTo("evaluation.reference_split"));
        Assert.That(ex.Errors.Single().Message, Does.Contain("no readable test split"));
    }

    [Test]
    public void Score_PrecisionRecallK_IsTheConfiguredK()
    {
        using var real = RealImages();
        using var g = new Generator(3);
        using var u = rand([60, 1, 16, 16], generator: g);
        using var noisy = real.narrow(0, 0, 60) * 0.5 + u * 0.5;
        using var k5 = new ImageEvaluator(FeatureExtractorFactory.Load(new FeatureExtractorOptions { Type = "cnn", Path = _weights }), _set,
            new ImageEvaluationSettings("synthetic", "{}", 1000, 16, false, Path.Combine(_dir, "cache"), PrecisionRecallK: 5));
        using var realFeatures = FeatureExtraction.Features(k5.Extractor, real);
        using var noisyFeatures = FeatureExtraction.Features(k5.Extractor, noisy);

        var m = k5.Score(noisy, seed: 1);

        var expected5 = PrecisionRecall.Compute(realFeatures, noisyFeatures, k: 5);
        var expected3 = PrecisionRecall.Compute(realFeatures, noisyFeatures, k: 3);
        TestContext.Out.WriteLine($"k=5: P {expected5.Precision} R {expected5.Recall}; k=3: P {expected3.Precision} R {expected3.Recall}");
        Assert.That((expected5.Precision, expected5.Recall), Is.Not.EqualTo((expected3.Precision, expected3.Recall)), "the data tell k apart");
        Assert.That((m.PrecisionRecall.Precision, m.PrecisionRecall.Recall), Is.EqualTo((expected5.Precision, expected5.Recall)).Within(1e-9));
        Assert.That(m.ToMetrics()[MetricKeys.PrecisionRecallK], Is.EqualTo(5));
        using var five = zeros(5, 1, 16, 16);
        Assert.Throws<ArgumentException>(() => k5.Score(five, 0), "k = 5 needs 6 samples");
    }

    [Test]
    public void Score_WithTauAndLabels_WritesRecognisableClassKlAndDiversity()
    {
        using var evaluator = new ImageEvaluator(FeatureExtractorFactory.Load(new FeatureExtractorOptions { Type = "cnn", Path = _weights }), _set,
            new ImageEvaluationSettings("synthetic", "{}", 1000, 16, false, Path.Combine(_dir, "cache"), RecognisableThreshold: 1e-6));
        using var real = RealImages();
        using var labels = arange(200, dtype: int64).remainder(4);
        using var logits = FeatureExtraction.Logits(evaluator.Extractor, real);
        using var probabilities = logits.softmax(1);
        using var features = FeatureExtraction.Features(evaluator.Extractor, real);

        var m = evaluator.Score(real, seed: 1, labels).ToMetrics();

        Assert.That(m[MetricKeys.RecognisablePct], Is.EqualTo(100.0), "every confidence ≥ 1e-6");
        Assert.That((double)m[MetricKeys.ClassKl], Is.EqualTo(JudgeMetrics.ClassKl(probabilities)).Within(1e-5));
        Assert.That((double)m[MetricKeys.IntraClassDiversity], Is.EqualTo(JudgeMetrics.IntraClassDiversity(features, labels)).Within(1e-4).And.GreaterThan(0));
        Assert.That(m[MetricKeys.RecognisableThreshold], Is.EqualTo(1e-6));
        using var plain = Evaluator();
        Assert.That(plain.Score(real, seed: 1).ToMetrics().Keys, Has.No.Member(MetricKeys.RecognisablePct).And.No.Member(MetricKeys.IntraClassDiversity),
            "no τ in the file or the settings, no labels");
    }
}
