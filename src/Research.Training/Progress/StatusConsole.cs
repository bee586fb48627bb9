using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Display;

namespace Research.Training.Progress;

/// <summary>
/// The process's standard error shared by log lines and a live status line (<see cref="TerminalProgress"/>): a log line
/// written while a bar is shown clears the bar's line first and redraws the bar after it, so neither garbles the other.
/// Also restores the terminal's cursor, which a bar hides (<see cref="RestoreCursor"/>, called on every way out).
/// </summary>
public static class StatusConsole
{
    /// <summary>The lock of every write to the terminal's status line.</summary>
    internal static readonly object Gate = new();

    private static TerminalProgress? s_active;
    private static volatile bool s_cursorHidden;

    /// <summary>ANSI: hide the cursor.</summary>
    internal const string HideCursor = "\u001b[?25l";

    /// <summary>ANSI: show the cursor.</summary>
    internal const string ShowCursor = "\u001b[?25h";

    /// <summary>Shows the cursor again if a bar hid it (idempotent; safe from a signal handler).</summary>
    public static void RestoreCursor()
    {
        if (!s_cursorHidden) return;
        s_cursorHidden = false;
        try
        {
            Console.Error.Write(ShowCursor);
            Console.Error.Flush();
        }
        catch (IOException)
        {
            // The terminal is gone: nothing to restore.
        }
    }

    /// <summary>Writes <paramref name="line"/> and a new line to <paramref name="writer"/> (standard output or error) above a
    /// bar shown on the terminal, which is redrawn below it.</summary>
    public static void WriteLine(TextWriter writer, string line)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Write(writer, line + writer.NewLine);
    }

    private static void Write(TextWriter writer, string text)
    {
        lock (Gate)
        {
            var bar = s_active;
            bar?.ClearLine();
            writer.Write(text);
            writer.Flush();
            bar?.Redraw();
        }
    }

    internal static void Activate(TerminalProgress bar, bool hidesCursor)
    {
        s_active = bar;
        if (hidesCursor) s_cursorHidden = true;
    }

    internal static void Deactivate(TerminalProgress bar)
    {
        if (ReferenceEquals(s_active, bar)) s_active = null;
    }

    /// <summary>A Serilog sink writing each event, formatted with <paramref name="outputTemplate"/>, to standard error above the
    /// bar (every console log line of a run: standard output holds results only).</summary>
    public static ILogEventSink CreateLogSink(string outputTemplate) => new LogSink(new MessageTemplateTextFormatter(outputTemplate));

    private sealed class LogSink(ITextFormatter formatter) : ILogEventSink
    {
        public void Emit(LogEvent logEvent)
        {
            using var text = new StringWriter();
            formatter.Format(logEvent, text);
            Write(Console.Error, text.ToString());
        }
    }
}
