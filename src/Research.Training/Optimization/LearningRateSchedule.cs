using Research.Core.Experiments;

namespace Research.Training.Optimization;

/// <summary>Learning rate at a step: linear warm-up (DDPM: 5000 steps), then constant, cosine or linear decay to min_lr.</summary>
public static class LearningRateSchedule
{
    /// <summary>The learning rate for 0-based <paramref name="step"/> given the peak <paramref name="peak"/>.</summary>
    public static double At(TrainingOptions o, double peak, long step)
    {
        if (o.WarmupSteps > 0 && step < o.WarmupSteps) return peak * (step + 1) / o.WarmupSteps;
        double progress = o.Steps <= o.WarmupSteps ? 1 : (double)(step - o.WarmupSteps) / (o.Steps - o.WarmupSteps);
        progress = Math.Clamp(progress, 0, 1);
        double floor = Math.Min(o.MinLr, peak);
        return o.LrSchedule switch
        {
            "cosine" => floor + (peak - floor) * 0.5 * (1 + Math.Cos(Math.PI * progress)),
            "linear" => peak + (floor - peak) * progress,
            _ => peak,
        };
    }
}
