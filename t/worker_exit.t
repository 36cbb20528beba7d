# A worker's exit (issue 12): nginx unloads its modules while the last
# thread-pool thread may still be running thread-specific destructors of the
# libraries civic brought in; if dlclose unmapped them, that thread jumped to
# unmapped code (an intermittent SIGSEGV seen in t/calendar_admin.t). The
# module is linked -z nodelete. Here a preloaded watcher (t/tools/exit_watch.c)
# widens the window and reports what dlclose left, while workers exit again
# and again (reloads, then a stop) after their pool threads did every kind of
# work: imports (libical, libxml2, ICU), feeds, submissions, exports.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use JSON::PP;
use Time::HiRes qw(sleep);
use Civic::Test;

Civic::Test::nginx_only("nginx's worker exit: its thread pool and the module's unloading");

my $watch_dir = File::Temp::tempdir('civic-watch-XXXXXX', TMPDIR => 1, CLEANUP => 1);
my ($rc, $out, $err) = Civic::Test::run_command(['cc', '-shared', '-fPIC', '-O1', '-o', "$watch_dir/exit_watch.so",
                                                 't/tools/exit_watch.c', '-ldl']);
is($rc, 0, 'the exit watcher builds') or diag($err);

my $t = Civic::Test->new(workers => 2, preload => ["$watch_dir/exit_watch.so"], http => <<'END');
    civic_store %%STORE%% max_size=64m;
    civic_calendar culture { languages fi sv en; timezone Europe/Helsinki; }
    civic_form note { json_submissions on; languages en; min_fill_time 0; field text textarea { required; } }
    server {
        listen %%ADDR%%;
        location /admin/ { civic_admin; }
        location /calendars/ { civic_calendars; }
        location /forms/ { civic_forms; }
    }
END
$t->start;

my $rounds = 4;
for my $round (1 .. $rounds) {
    my $ics = join "\r\n", 'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//t//t//EN',
        (map { ("BEGIN:VEVENT", "UID:r$round-$_", 'DTSTAMP:20261101T000000Z',
                'DTSTART;TZID=Europe/Helsinki:20261201T100000', "SUMMARY:Tapahtuma $round $_",
                'RRULE:FREQ=WEEKLY;COUNT=5', 'END:VEVENT') } 1 .. 10), 'END:VCALENDAR', '';
    # Several at once, so that many pool threads do the work.
    my @kids;
    for my $c (1 .. 6) {
        my $pid = fork() // die "fork: $!";
        if ($pid == 0) {
            my $ok = 1;
            my $r = $t->post('/admin/calendars/culture/events', headers => { 'Content-Type' => 'text/calendar' },
                             content => $ics =~ s/Tapahtuma/Tapahtuma $c/gr);
            $ok &&= $r->{status} == 200;
            $r = $t->post('/admin/calendars/culture/events', headers => { 'Content-Type' => 'text/calendar' },
                          content => $ics =~ s/COUNT=5/COUNT=x/r);  # a refused one: libical's error state
            $ok &&= $r->{status} == 422;
            $r = $t->post('/forms/note', headers => { 'Content-Type' => 'application/json' },
                          content => encode_json({ text => "note $round $c" }));
            $ok &&= $r->{status} == 201;
            $ok &&= $t->get('/calendars/culture.ics?start=2026-11-01&end=2027-03-01')->{status} == 200;
            $ok &&= $t->get('/calendars/culture.json?sort=name&text=tapahtuma')->{status} == 200;
            $ok &&= $t->get('/admin/forms/note/submissions.xml')->{status} == 200;
            exit($ok ? 0 : 1);
        }
        push @kids, $pid;
    }
    my $failed = 0;
    for (@kids) { waitpid($_, 0); $failed++ if $? }
    is($failed, 0, "round $round: imports, a refused import, submissions, feeds and an export all answered");
    $t->reload if $round < $rounds;
}
$t->stop;

my @reports = grep { /exit-watch:/ } split /\n/, $t->error_log;
# Every worker that exited (one per reload and at the stop, two each) and the master.
cmp_ok(scalar @reports, '>=', 2 * $rounds, 'each exiting process unloaded the module (' . scalar(@reports) . ' times)');
my @unmapped = grep { /unmapped/ } @reports;
is(scalar @unmapped, 0, 'no exit unmapped the module while its threads could still run')
    or diag(join "\n", @unmapped);
unlike($t->error_log, qr/exited on signal/, 'no process died on a signal');

$t->finish;
done_testing;
