using Research.Core.Experiments;
using Research.Training.Optimization;

namespace Research.UnitTests.Training;

public class LearningRateScheduleTests
{
    [Test]
    public void At_Warmup_RisesLinearlyToPeak()
    {
        var o = new TrainingOptions { Steps = 100, WarmupSteps = 10 };
        Assert.That(LearningRateSchedule.At(o, 1.0, 0), Is.EqualTo(0.1).Within(1e-12));
        Assert.That(LearningRateSchedule.At(o, 1.0, 9), Is.EqualTo(1.0).Within(1e-12));
        Assert.That(LearningRateSchedule.At(o, 1.0, 50), Is.EqualTo(1.0));
    }

    [Test]
    public void At_Cosine_EndsAtMinLr()
    {
        var o = new TrainingOptions { Steps = 100, LrSchedule = "cosine", MinLr = 1e-5 };
        Assert.That(LearningRateSchedule.At(o, 1e-3, 0), Is.EqualTo(1e-3).Within(1e-15));
        Assert.That(LearningRateSchedule.At(o, 1e-3, 50), Is.EqualTo((1e-3 + 1e-5) / 2).Within(1e-6));
        Assert.That(LearningRateSchedule.At(o, 1e-3, 100), Is.EqualTo(1e-5).Within(1e-15));
    }
}
