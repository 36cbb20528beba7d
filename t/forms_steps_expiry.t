#!/usr/bin/perl
# A draft expires `ttl` after its last change: its resume link then finds
# nothing, and the retention timer removes it from the store. nginx's clock
# is moved with libfaketime (Debian's, preloaded): the draft is saved two
# hours in the past, with a one-hour ttl, then the clock comes back to now.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use JSON::PP qw(decode_json);
use Test::More;
use Civic::Test;
use Civic::Browser;
use Civic::Receivers;

my $faketime = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';
ok(-e $faketime, "Debian's libfaketime is installed") or BAIL_OUT('apt-get install libfaketime');

my $t = Civic::Test->new(preload => [$faketime], main => <<'END', http => <<'END');
    env FAKETIME_TIMESTAMP_FILE;
    env FAKETIME_NO_CACHE;
    env FAKETIME_DONT_FAKE_MONOTONIC;
END
    civic_store %%STORE%%;
    civic_form permit {
        title en "Permit";
        languages en;
        min_fill_time 0;
        save_and_return on ttl=1h;
        step who  { fields name; }
        step what { fields place; }
        field name text { required; label en "Name"; }
        field place text { label en "Place"; }
    }
    server {
        listen %%ADDR%%;
        location /forms/ { civic_forms; }
        location /admin/ { civic_admin; }
    }
END

my $clock = $t->prefix . '/faketime';
sub set_clock {
    open my $fh, '>', $clock or die "$clock: $!";
    print $fh "$_[0]\n";
    close $fh;
}
set_clock('-2h');
local $ENV{FAKETIME_TIMESTAMP_FILE} = $clock;
local $ENV{FAKETIME_NO_CACHE} = 1;
local $ENV{FAKETIME_DONT_FAKE_MONOTONIC} = 1;   # nginx's timers keep real time
$t->start;

sub drafts { decode_json($_[0]->get('/admin/status')->{content})->{forms}{permit}{drafts} }

my $b = Civic::Browser->new($t);
$b->get('/forms/permit');
my $p = $b->submit(fields => [name => 'Liisa'], action => 'save');
my ($link) = $p->{content} =~ /id="civic-resume-link">([^<]+)</;
ok($link, 'saved two hours ago, with a resume link');
$link =~ s/&amp;/&/g;
$link =~ s{^http://[^/]+}{};
is(Civic::Browser->new($t)->get($link)->{status}, 200, 'which worked then');
is(drafts($t), 1, 'one draft in the store');

set_clock('+0');
$p = Civic::Browser->new($t)->get($link);
is($p->{status}, 404, 'an hour past its ttl the link finds nothing');
like($p->{content}, qr/have expired/, 'and says the answers have expired');

# The retention timer runs soon after a start.
$t->stop;
$t->start;
ok(Civic::Receivers::wait_until(sub { drafts($t) == 0 }, 20), 'the retention timer removes the expired draft')
    or diag('drafts: ' . drafts($t));
like($t->error_log, qr/removed 1 expired drafts?/, 'and logs it');

done_testing;
