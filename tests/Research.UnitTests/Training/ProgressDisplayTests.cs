using Research.Training.Progress;

namespace Research.UnitTests.Training;

/// <summary>
/// The time left of a progress display: right from the first measured units at a constant rate, not corrupted by pauses
/// (evaluation during training), measured afresh after a restart (retry, resume); and the two displays' throttling and
/// output (plain lines without a terminal, one redrawn line with the cursor hidden and restored on a terminal).
/// </summary>
public sealed class ProgressDisplayTests
{
    private sealed class FakeClock
    {
        public double Now { get; set; }
        public double Read() => Now;
    }

    [Test]
    public void Eta_ConstantRate_RightAfterTheFirstMeasuredUnit()
    {
        var clock = new FakeClock();
        var eta = new EtaEstimator(clock.Read);
        eta.Restart(total: 1000, done: 0);
        clock.Now = 5;                                   // the first step carries one-off costs (JIT): left out
        eta.Update(1);
        Assert.That(eta.Rate, Is.Null, "no rate from the warm-up unit alone");
        Assert.That(eta.Remaining, Is.Null);
        clock.Now += 0.5;                                // then 2 steps/s
        eta.Update(2);
        Assert.That(eta.Rate, Is.EqualTo(2.0).Within(1e-9));
        Assert.That(eta.Remaining!.Value.TotalSeconds, Is.EqualTo(998 / 2.0).Within(1e-6));
        for (long s = 3; s <= 100; s++)
        {
            clock.Now += 0.5;
            eta.Update(s);
        }
        Assert.That(eta.Remaining!.Value.TotalSeconds, Is.EqualTo(900 / 2.0).Within(1e-6));
    }

    [Test]
    public void Eta_PausedTime_IsLeftOut()
    {
        var clock = new FakeClock();
        var eta = new EtaEstimator(clock.Read, warmupUnits: 0);
        eta.Restart(100, 0);
        for (long s = 1; s <= 10; s++) { clock.Now += 1; eta.Update(s); }
        eta.Pause();
        clock.Now += 500;                                // a long evaluation
        Assert.That(eta.Rate, Is.EqualTo(1.0).Within(1e-9), "a pause does not slow the rate while it lasts");
        eta.Resume();
        for (long s = 11; s <= 20; s++) { clock.Now += 1; eta.Update(s); }
        Assert.That(eta.Rate, Is.EqualTo(1.0).Within(1e-9));
        Assert.That(eta.Remaining!.Value.TotalSeconds, Is.EqualTo(80).Within(1e-6));
    }

    [Test]
    public void Eta_Restart_ForgetsTheEarlierRateAndCountsOnlyNewUnits()
    {
        var clock = new FakeClock();
        var eta = new EtaEstimator(clock.Read);
        eta.Restart(1000, 0);
        for (long s = 1; s <= 50; s++) { clock.Now += 0.1; eta.Update(s); }   // 10 steps/s
        Assert.That(eta.Rate, Is.EqualTo(10.0).Within(1e-6));
        eta.Restart(1000, 40);                           // a retry resumed from the checkpoint at 40
        Assert.That(eta.Rate, Is.Null, "nothing measured since the restart");
        Assert.That(eta.StartUnits, Is.EqualTo(40));
        clock.Now += 30;                                 // rebuilding the session: not the training's speed
        eta.Update(41);
        for (long s = 42; s <= 60; s++) { clock.Now += 1; eta.Update(s); }   // now 1 step/s
        Assert.That(eta.Rate, Is.EqualTo(1.0).Within(1e-9));
        Assert.That(eta.Remaining!.Value.TotalSeconds, Is.EqualTo(940).Within(1e-6));
    }

    [Test]
    public void Eta_RateChanges_TheWindowFollowsIt()
    {
        var clock = new FakeClock();
        var eta = new EtaEstimator(clock.Read, warmupUnits: 0) { Window = 10 };
        eta.Restart(10_000, 0);
        long s = 0;
        for (; s < 100; s++) { clock.Now += 0.1; eta.Update(s + 1); }       // 10/s for 10 s
        for (int i = 0; i < 40; i++) { clock.Now += 1; eta.Update(++s); }   // then 1/s for 40 s
        Assert.That(eta.Rate, Is.EqualTo(1.0).Within(0.11), "the last 10 s only");
    }

    [Test]
    public void Lines_AtStartAtMostOnePerIntervalAndAtTheEnd()
    {
        var clock = new FakeClock();
        var output = new StringWriter();
        var display = new LineProgress(output, clock.Read, minInterval: 10);
        display.Start("run-a", 1000);
        for (long s = 1; s <= 1000; s++)
        {
            clock.Now += 0.125;                          // 8 steps/s, 125 s in all
            display.Advance(s);
            if (s == 500) display.Note("loss=0.25");
        }
        display.Stop();
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(14), "the start, one line per 10 s (10 … 120 s), the end:\n" + string.Join("\n", lines));
        Assert.That(lines[0], Does.StartWith("run-a: 0/1,000 (0 %) –/s ETA – elapsed 0:00"));
        Assert.That(lines[1], Is.EqualTo("run-a: 80/1,000 (8 %) 8.0/s ETA 1:55 elapsed 0:10"), "the right time left in the first line after the start");
        Assert.That(lines[^1], Is.EqualTo("run-a: 1,000/1,000 (100 %) 8.0/s ETA 0:00 elapsed 2:05 loss=0.25"));
        Assert.That(lines.All(l => !l.Contains('\r') && !l.Contains('\u001b')), Is.True, "plain lines: no terminal codes");
    }

    [Test]
    public void Terminal_RedrawsOneLineAtMostTenTimesASecondAndRestoresTheCursor()
    {
        var clock = new FakeClock();
        var output = new StringWriter();
        var display = new TerminalProgress(output, () => 120, clock.Read, minInterval: 0.1);
        display.Start("run-b", 10_000);
        for (long s = 1; s <= 10_000; s++)
        {
            clock.Now += 0.001;                          // 1,000 steps/s for 10 s
            display.Advance(s);
        }
        display.Stop();
        string text = output.ToString();
        Assert.That(display.Renders, Is.InRange(95, 105), "≤ 10 redraws a second, plus the first and the last");
        Assert.That(text, Does.StartWith("\u001b[?25l"), "the cursor is hidden while the bar is shown");
        Assert.That(text, Does.EndWith("\n\u001b[?25h"), "the last state stays on its line; the cursor is shown again");
        Assert.That(text.Count(c => c == '\n'), Is.EqualTo(1), "one line, redrawn in place");
        var last = text.Split('\r')[^1];
        Assert.That(last, Does.StartWith("run-b [##############################] 10,000/10,000 (100 %) 1000/s ETA 0:00"));
        Assert.That(last.TrimEnd('\n').Replace("\u001b[?25h", "").Replace("\u001b[K", "").Length, Is.LessThanOrEqualTo(119), "fits the terminal's width");
    }

    [Test]
    public void Terminal_PausedBarIsNotRedrawnByTheClockAndRestartMovesAgain()
    {
        var clock = new FakeClock();
        var output = new StringWriter();
        var display = new TerminalProgress(output, () => 100, clock.Read);
        display.Start("run-c", 100);
        display.Advance(50);
        display.Pause("evaluating");
        int renders = display.Renders;
        clock.Now += 5;
        display.Advance(50);
        Assert.That(display.Renders, Is.EqualTo(renders + 1), "a unit during the pause still shows (it is the task's)");
        display.Resume();
        display.Stop();
        display.Start("run-c", 100, 40);                 // a retry from the checkpoint at 40
        clock.Now += 1;
        display.Advance(41);
        Assert.That(output.ToString().Split('\r')[^1], Does.Contain("41/100"), "the bar moves again after the restart");
        display.Stop();
    }
}
