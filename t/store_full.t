# A full store (issue 7): writes answer 507 with a JSON error and an error-log
# line and change nothing, reads keep working, and once max_size is raised
# and nginx reloaded, writes work again with everything still there.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use JSON::PP;
use Civic::Test;

my $conf = sub {
    my ($size) = @_;
    return <<"END";
    civic_store %%STORE%% max_size=$size;
    civic_calendar culture { languages fi; timezone Europe/Helsinki; }
    civic_form note { json_submissions on; languages en; min_fill_time 0; field text textarea { max_length 200000; } }
    server {
        listen %%ADDR%%;
        client_max_body_size 10m;
        location /admin/ { civic_admin; }
        location /calendars/ { civic_calendars; }
        location /forms/ { civic_forms; }
    }
END
};
my $t = Civic::Test->new(http => $conf->('1m'), workers => 2,
                         expect_errors => [qr/MDB_MAP_FULL/]);
$t->start;

my $json = { 'Content-Type' => 'application/json' };
sub put_event {
    my ($id, $size) = @_;
    return $t->put("/admin/calendars/culture/events/$id", headers => $json,
                   content => encode_json({ name => { fi => "Tapahtuma $id" },
                                            description => { fi => 'x' x $size },
                                            start_time => '2026-12-01T10:00:00+02:00' }));
}

my ($stored, $full);
for my $i (1 .. 2000) {
    my $r = put_event("e$i", 3000);
    if ($r->{status} != 201) { $full = $r; last }
    $stored++;
}
ok($stored > 10, "events were stored until the store filled ($stored)");
ok($full, 'then a write was refused');
is($full->{status}, 507, 'with 507 Insufficient Storage');
my $body = eval { decode_json($full->{content}) } || {};
like($body->{error}, qr/store is full.*nothing was written.*max_size/, 'a JSON error saying nothing was written and what to do');
like($t->error_log, qr/${\ Civic::Test::log_level('crit')}.*MDB_MAP_FULL/, 'and a line in the error log');

# Nothing of the refused write; reads all work.
is($t->get("/calendars/culture/events/e" . ($stored + 1) . ".ics")->{status}, 404, 'the refused event is not there');
my $feed = $t->get('/calendars/culture.ics');
is($feed->{status}, 200, 'the feed is served from a full store');
is(() = $feed->{content} =~ /BEGIN:VEVENT/g, $stored, 'with every stored event');
is(decode_json($t->get('/admin/status')->{content})->{calendars}{culture}{events}, $stored, 'status counts them');
is($t->get('/forms/note')->{status}, 200, 'the form page is served');

my $sub = $t->post('/forms/note', headers => $json, content => encode_json({ text => 'y' x 150000 }));
is($sub->{status}, 507, 'a submission to a full store is 507 too');

# Raise max_size, reload: writes work again, nothing was lost.
$t->set_config(http => $conf->('64m'));
$t->reload;
my $r = put_event('after', 3000);
is($r->{status}, 201, 'after raising max_size and a reload, writes work') or diag($r->{content});
$sub = $t->post('/forms/note', headers => $json, content => encode_json({ text => 'y' x 150000 }));
is($sub->{status}, 201, 'and submissions too');
my $status = decode_json($t->get('/admin/status')->{content});
is($status->{store}{map_size}, 64 * 1024 * 1024, 'the store has the new size');
is($status->{calendars}{culture}{events}, $stored + 1, 'every event is still there, and the new one');
is($status->{forms}{note}{submissions}, 1, 'one submission');

done_testing;
